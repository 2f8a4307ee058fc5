package dev.tagger.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import java.io.IOException;

/**
 * The actuator answers an unknown health group or metric with a bare 404 and no body. This turns exactly that
 * answer (404, nothing written) into the container's error, which {@link ErrorPageController} renders as
 * problem+json like every other 404 of the service. Any answer with a body passes as it is, health's own 503
 * included. The actuator's answers are held until they end for this, so only the actuator's paths are wrapped.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ActuatorNotFoundFilter extends OncePerRequestFilter {

    private final String basePath;

    ActuatorNotFoundFilter(@Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
        this.basePath = basePath;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals(basePath) || path.startsWith(basePath + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response);
        chain.doFilter(request, held);
        if (held.getStatus() == HttpServletResponse.SC_NOT_FOUND && held.getContentSize() == 0
                && !response.isCommitted()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        held.copyBodyToResponse();
    }
}
