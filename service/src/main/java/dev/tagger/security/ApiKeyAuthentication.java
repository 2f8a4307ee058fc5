package dev.tagger.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import java.io.Serial;
import java.util.List;

/**
 * A request's API key: first as presented (unverified, holding the key), then as verified (holding only the
 * name of the configuration entry it matched and its roles, never the key).
 */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String name;
    private transient String key;

    private ApiKeyAuthentication(String name, String key, List<SimpleGrantedAuthority> authorities, boolean verified) {
        super(authorities);
        this.name = name;
        this.key = key;
        setAuthenticated(verified);
    }

    /** A key as the client sent it, still to be checked. */
    static ApiKeyAuthentication presented(String key) {
        return new ApiKeyAuthentication("unverified", key, List.of(), false);
    }

    /** A key that matched an entry. */
    static ApiKeyAuthentication verified(ApiKeys.Match match) {
        return new ApiKeyAuthentication(match.name(), null,
                match.roles().stream().map(r -> new SimpleGrantedAuthority(r.authority())).toList(), true);
    }

    /** The presented key (null once verified). */
    @Override
    public Object getCredentials() {
        return key;
    }

    /** The configuration entry the key matched, such as {@code admin-keys[0]}. */
    @Override
    public Object getPrincipal() {
        return name;
    }

    @Override
    public void eraseCredentials() {
        key = null;
        super.eraseCredentials();
    }

    @Override
    public String toString() {
        return "ApiKeyAuthentication[" + name + ", " + getAuthorities() + "]";
    }
}
