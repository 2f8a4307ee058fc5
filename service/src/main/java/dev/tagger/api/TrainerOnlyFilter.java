package dev.tagger.api;

import dev.tagger.config.Roles;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A replica without the {@code api} role ({@code tagger.roles=trainer}) takes no API traffic: everything but the
 * actuator (health, metrics) answers 404 problem+json, so that a trainer put behind the API's Service by mistake
 * never classifies nor accepts admin calls.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class TrainerOnlyFilter extends OncePerRequestFilter {

    private final boolean api;

    public TrainerOnlyFilter(Roles roles) {
        this.api = roles.api();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return api || path.equals("/actuator") || path.startsWith("/actuator/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setStatus(404);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8);
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":"
                + "\"this replica is a trainer (tagger.roles=trainer): it serves health and metrics only; send API "
                + "calls to an api replica\",\"instance\":\"" + request.getRequestURI().replace("\"", "")
                .replace("\\", "") + "\"}");
    }
}
