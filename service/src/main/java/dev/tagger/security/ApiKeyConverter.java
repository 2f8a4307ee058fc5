package dev.tagger.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads the API key of a request: {@code Authorization: Bearer <key>}, or else {@code X-API-Key: <key>}.
 * Another Authorization scheme (Basic, ...) is ignored, as if no key had been sent.
 */
final class ApiKeyConverter implements AuthenticationConverter {

    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";

    @Override
    public Authentication convert(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return ApiKeyAuthentication.presented(authorization.substring(BEARER.length()).strip());
        }
        String key = request.getHeader(API_KEY_HEADER);
        return key == null ? null : ApiKeyAuthentication.presented(key.strip());
    }
}
