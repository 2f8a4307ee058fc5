package dev.tagger.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a plausible id (at most 64 characters
 * of letters, digits, '.', '_' and '-'), else a new UUID. The id is in the MDC while the request is handled (so
 * log lines show it) and in the {@code X-Request-Id} response header. It runs first, before the key check and
 * the body limit, so 401, 403 and 413 answers carry the id too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIdFilter extends OncePerRequestFilter {

    /** Request and response header. */
    public static final String HEADER = "X-Request-Id";
    /** MDC key (also the field name in JSON logs). */
    public static final String MDC_KEY = "requestId";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String ATTRIBUTE = RequestIdFilter.class.getName();

    /** The caller's id when it is acceptable, else a new one. */
    static String accept(String requested) {
        return requested != null && VALID.matcher(requested).matches() ? requested : UUID.randomUUID().toString();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // Async and error dispatches of the same request (on other threads) keep the id of the first dispatch.
        String id = request.getAttribute(ATTRIBUTE) instanceof String known ? known : accept(request.getHeader(HEADER));
        request.setAttribute(ATTRIBUTE, id);
        response.setHeader(HEADER, id);
        MDC.put(MDC_KEY, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }
}
