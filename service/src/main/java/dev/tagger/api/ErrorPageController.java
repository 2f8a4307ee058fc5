package dev.tagger.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.coyote.BadRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.EOFException;
import java.net.URI;

/**
 * The container's error page (/error), as problem+json like every other error of the API. It renders what reached
 * the container instead of a controller: a sendError from a filter or from Tomcat (a method Tomcat refuses, a
 * chunked body it cannot read), an exception thrown outside Spring MVC, an actuator answer that had no body. It
 * replaces Spring Boot's error controller, whose JSON is not problem+json and which answers HTML to browsers.
 * The detail is the service's own sentence for the status: the container's message and the exception describe
 * the code, not the request.
 */
@Hidden
@RestController
class ErrorPageController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorPageController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = original instanceof String s ? s : request.getRequestURI();
        // Called directly, /error is no resource of the API.
        int status = code instanceof Integer i && i >= 400 ? i : code == null ? 404 : 500;
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (status >= 500) {
            log.error("error page for {} {}: status {}", request.getMethod(), path, status,
                    failure instanceof Throwable t ? t : null);
        } else if (failure instanceof Throwable t) {
            log.debug("error page for {} {}: status {} ({})", request.getMethod(), path, status, t.toString());
        }
        HttpStatusCode statusCode = HttpStatusCode.valueOf(status);
        ProblemDetail p = ProblemDetail.forStatusAndDetail(statusCode, detail(status, path, code == null,
                failure instanceof Throwable t ? t : null));
        HttpStatus known = HttpStatus.resolve(status);
        p.setTitle(known != null ? known.getReasonPhrase() : "Error");
        instance(path).ifPresent(p::setInstance);
        // The type is set, not negotiated: the request's Accept may be anything, even unreadable.
        return ResponseEntity.status(statusCode).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    private static String detail(int status, String path, boolean direct, Throwable failure) {
        if (direct) {
            return "no resource at " + shown(path) + ": it is the service's error page, not an endpoint";
        }
        return switch (status) {
            case 400 -> unreadableBody(failure)
                    ? "the request body cannot be read: its chunked encoding is malformed, or it ends before its "
                    + "Content-Length or last chunk"
                    : "the request is malformed: its path, parameters or headers cannot be read";
            case 401 -> "this endpoint needs an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'";
            case 403 -> "this request is not allowed";
            case 404 -> "no resource at " + shown(path);
            // The error dispatch does not keep the request's method, so the sentence cannot name it.
            case 405 -> "this method is not allowed on " + shown(path) + "; the API's endpoints take GET, POST or "
                    + "DELETE";
            case 408 -> "the request was not received in time";
            case 413 -> "the request is larger than the service accepts";
            case 414 -> "the request's URI is longer than the service accepts";
            case 415 -> "the request's Content-Type is not accepted here";
            case 431 -> "the request's headers are larger than the service accepts";
            default -> status >= 500 ? "internal error" + requestId() : "the request cannot be served (status "
                    + status + ")";
        };
    }

    /** Whether the container failed while reading the body (the framing the client sent), not the request head. */
    private static boolean unreadableBody(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EOFException || t instanceof BadRequestException) {
                return true;
            }
        }
        return false;
    }

    private static String requestId() {
        String id = MDC.get(RequestIdFilter.MDC_KEY);
        return id == null ? "" : "; the service log has it under request id " + id;
    }

    /** A path or method for a sentence: cut when long, so an error does not echo kilobytes of the request. */
    private static String shown(String s) {
        return s.length() <= 200 ? s : s.substring(0, 180) + "... (" + s.length() + " characters)";
    }

    private static java.util.Optional<URI> instance(String path) {
        try {
            return java.util.Optional.of(new URI(null, null, path, null));
        } catch (java.net.URISyntaxException e) {
            return java.util.Optional.empty();
        }
    }
}
