package dev.tagger.security;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Checks a presented API key against {@link ApiKeys}. Being the application's only AuthenticationManager, it
 * also keeps Spring Boot from creating a default user with a generated password.
 */
final class ApiKeyAuthenticationManager implements AuthenticationManager {

    private final ApiKeys keys;

    ApiKeyAuthenticationManager(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        if (!(authentication instanceof ApiKeyAuthentication presented)) {
            throw new ProviderNotFoundException("only API keys are accepted");
        }
        Object key = presented.getCredentials();
        return keys.match(key instanceof String s ? s : null).map(ApiKeyAuthentication::verified)
                .orElseThrow(InvalidApiKeyException::new);
    }

    /** The key matches no entry (the message is fixed: it never repeats the key). */
    static final class InvalidApiKeyException extends BadCredentialsException {

        private static final long serialVersionUID = 1L;

        InvalidApiKeyException() {
            super("the API key is not valid");
        }
    }
}
