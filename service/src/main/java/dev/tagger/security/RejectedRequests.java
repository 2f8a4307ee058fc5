package dev.tagger.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Requests Spring Security's firewall refuses before any filter or controller sees them (a method outside the
 * HTTP standard, {@code ;}, {@code //}, encoded dots or slashes, control characters in the path or a header),
 * answered as problem+json that says which of those it was. Spring's own handler would send a bare 400 to the
 * container's error page, without the reason.
 */
final class RejectedRequests implements RequestRejectedHandler {

    private static final Logger log = LoggerFactory.getLogger(RejectedRequests.class);
    /** The methods the firewall lets through (StrictHttpFirewall's default). */
    private static final Set<String> METHODS = Set.of("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT");

    private final SecurityProblems problems;

    RejectedRequests(SecurityProblems problems) {
        this.problems = problems;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        log.debug("firewall refused {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        if (response.isCommitted()) {
            return;
        }
        String method = request.getMethod();
        if (!METHODS.contains(method)) {
            problems.write(request, response, HttpStatus.METHOD_NOT_ALLOWED, "the HTTP method '" + shown(method)
                    + "' is not accepted; this API's endpoints take GET, POST or DELETE", "method");
            return;
        }
        String why = pathProblem(request.getRequestURI());
        if (why != null) {
            problems.write(request, response, HttpStatus.BAD_REQUEST, "the request's path holds " + why
                    + ", which is not accepted", "path");
        } else {
            problems.write(request, response, HttpStatus.BAD_REQUEST, "the request holds a header name or value that "
                    + "is not accepted (a control character, or a character outside ISO-8859-1)", "headers");
        }
    }

    /** What the firewall refuses in this raw (undecoded) path, or null when the path is not the reason. */
    static String pathProblem(String uri) {
        String u = uri.toLowerCase(Locale.ROOT);
        if (u.contains(";") || u.contains("%3b")) {
            return "a ';' (a path parameter)";
        }
        if (u.contains("%25")) {
            return "an encoded '%' (%25)";
        }
        if (u.contains("%2f") || u.contains("%5c") || u.contains("\\")) {
            return "an encoded slash or a backslash";
        }
        if (u.contains("%2e")) {
            return "an encoded '.' (%2E)";
        }
        if (u.contains("//")) {
            return "an empty segment ('//')";
        }
        if (u.contains("/./") || u.contains("/../") || u.endsWith("/.") || u.endsWith("/..")) {
            return "a '.' or '..' segment";
        }
        if (u.contains("%0a") || u.contains("%0d") || u.contains("%00") || u.contains("%7f")
                || u.chars().anyMatch(c -> c < 0x20 || c >= 0x7f)) {
            return "a control character or a character outside printable ASCII";
        }
        return null;
    }

    private static String shown(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }
}
