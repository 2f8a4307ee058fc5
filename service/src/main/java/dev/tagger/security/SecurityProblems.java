package dev.tagger.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * 401 and 403 as problem+json (also the cross-site refusal of {@link CrossSiteRequestFilter}), shaped like every
 * other error of the API (see api/ApiErrors). 401 means no
 * usable key (missing, or matching no entry) and carries {@code WWW-Authenticate: Bearer}; 403 means a valid key
 * without the role. Neither the body nor the log line ever holds the key or a request header.
 */
final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final Logger log = LoggerFactory.getLogger(SecurityProblems.class);
    private static final String REALM = "Bearer realm=\"tagger\"";

    private final JsonMapper json;

    SecurityProblems(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        boolean invalid = e instanceof ApiKeyAuthenticationManager.InvalidApiKeyException;
        String detail = invalid ? "the API key is not valid"
                : "this endpoint needs an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'";
        log.debug("401 {} {}: {}", request.getMethod(), request.getRequestURI(), invalid ? "unknown key" : "no key");
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, invalid
                ? REALM + ", error=\"invalid_token\", error_description=\"the API key is not valid\"" : REALM);
        write(request, response, HttpStatus.UNAUTHORIZED, detail);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        log.debug("403 {} {}: key {} lacks the role", request.getMethod(), request.getRequestURI(),
                request.getUserPrincipal() == null ? "?" : request.getUserPrincipal().getName());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\"");
        write(request, response, HttpStatus.FORBIDDEN, "this API key may not use " + request.getMethod() + " "
                + request.getRequestURI() + ": that needs an admin key");
    }

    void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        write(request, response, status, detail, null);
    }

    /** The same with the request part that is wrong ({@code field}), when one is. */
    void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail,
               String field) throws IOException {
        // The fields, and their order, of the API's other problem+json answers.
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        problem.put("status", status.value());
        problem.put("title", status.getReasonPhrase());
        if (field != null) {
            problem.put("field", field);
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8);
        json.writeValue(response.getOutputStream(), problem);
    }
}
