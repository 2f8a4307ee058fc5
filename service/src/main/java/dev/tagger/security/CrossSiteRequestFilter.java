package dev.tagger.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses state-changing requests (POST, PUT, PATCH, DELETE) that a browser sent on behalf of another site: the
 * CSRF defence of a service that has no cookie, but may run without keys, where a web page could otherwise drive
 * an instance on localhost with a form post.
 *
 * <p>A browser says where a request comes from: {@code Sec-Fetch-Site} (every current browser), else
 * {@code Origin}. Only {@code same-origin} and {@code none} (typed by the user) pass; {@code same-site} does not, as
 * another port of localhost is the same site. Without {@code Sec-Fetch-Site}, an {@code Origin} must name the host
 * the request was sent to. A request with neither header (curl, scripts, SDKs) passes, and so does one carrying a
 * valid API key: browsers never attach a key on their own, and the service answers no CORS preflight that would
 * let a page add one.
 */
final class CrossSiteRequestFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(CrossSiteRequestFilter.class);
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> TRUSTED_FETCH_SITES = Set.of("same-origin", "none");

    private final SecurityProblems problems;

    CrossSiteRequestFilter(SecurityProblems problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String from = crossSiteSource(request);
        if (from != null && STATE_CHANGING.contains(request.getMethod()) && !hasVerifiedKey()) {
            log.debug("403 {} {}: cross-site request ({})", request.getMethod(), request.getRequestURI(), from);
            problems.write(request, response, HttpStatus.FORBIDDEN, "cross-site requests may not change anything: "
                    + "this " + request.getMethod() + " came from another site (" + from + "). Call the API from a "
                    + "script or a server, or send an API key");
            return;
        }
        chain.doFilter(request, response);
    }

    /** What shows that the request comes from another site, or null when nothing does. */
    static String crossSiteSource(HttpServletRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null) {
            String site = fetchSite.strip().toLowerCase(Locale.ROOT);
            return TRUSTED_FETCH_SITES.contains(site) ? null : "Sec-Fetch-Site: " + site;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return null;
        }
        return sameHost(origin.strip(), request.getHeader(HttpHeaders.HOST)) ? null : "Origin is not this service";
    }

    /** Whether an Origin names the host (and port) of the Host header; "null" and malformed origins do not. */
    static boolean sameHost(String origin, String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        URI o;
        URI h;
        try {
            o = URI.create(origin);
            h = URI.create("http://" + host.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (o.getHost() == null || h.getHost() == null || !o.getHost().equalsIgnoreCase(h.getHost())) {
            return false;
        }
        // A Host header without a port is the default port of whatever scheme the client used.
        return h.getPort() == -1 || h.getPort() == effectivePort(o);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean hasVerifiedKey() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a instanceof ApiKeyAuthentication && a.isAuthenticated();
    }
}
