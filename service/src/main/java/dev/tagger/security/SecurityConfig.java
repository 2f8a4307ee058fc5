package dev.tagger.security;

import dev.tagger.config.SecurityProperties;

import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. The whole access policy is in {@link #apiSecurity}: read it top to bottom, the first rule
 * that matches a request decides.
 *
 * <p>Stateless: each request carries its key, nothing is remembered between requests, so there is no session,
 * no CSRF token (no cookie authenticates anything) and no login page. Cross-site form posts, the CSRF risk of an
 * instance running without keys, are refused by {@link CrossSiteRequestFilter}.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

    static final String CLASSIFY = ApiKeys.Role.CLASSIFY.name();
    static final String ADMIN = ApiKeys.Role.ADMIN.name();

    @Bean
    ApiKeys apiKeys(SecurityProperties props) {
        ApiKeys keys = ApiKeys.load(props);
        if (!keys.isEmpty()) {
            log.info("API keys required: {} key entries configured; health, info and prometheus {}", keys.size(),
                    props.openManagement() ? "open" : "need a key");
        }
        return keys;
    }

    /** Picked up by Spring Security for the requests its firewall refuses (see {@link RejectedRequests}). */
    @Bean
    RequestRejectedHandler rejectedRequests(JsonMapper json) {
        return new RejectedRequests(new SecurityProblems(json));
    }

    @Bean
    AuthenticationManager apiKeyAuthenticationManager(ApiKeys keys) {
        return new ApiKeyAuthenticationManager(keys);
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeys keys, SecurityProperties props,
                                    AuthenticationManager authenticationManager, JsonMapper json) throws Exception {
        SecurityProblems problems = new SecurityProblems(json);
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                // Before the access rules, after the key check (a request with a valid key passes).
                .addFilterBefore(new CrossSiteRequestFilter(problems), AuthorizationFilter.class);
        if (keys.isEmpty()) {
            // Open mode: on loopback only unless allow-open-network (ProtectedMode has said which at start).
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
        }

        AuthenticationFilter keyFilter = new AuthenticationFilter(authenticationManager, new ApiKeyConverter());
        keyFilter.setFailureHandler(new AuthenticationEntryPointFailureHandler(problems));
        keyFilter.setSuccessHandler((request, response, authentication) -> {
            // carry on down the chain: a key is not a login, there is nowhere to redirect to
        });
        http.addFilterAt(keyFilter, BasicAuthenticationFilter.class);

        RequestMatcher monitoring = EndpointRequest.to("health", "info", "prometheus");
        http.authorizeHttpRequests(a -> {
            // The async and error dispatches of a request that was already let in (DeferredResult, SSE, /error).
            a.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll();
            if (props.openManagement()) {
                a.requestMatchers(monitoring).permitAll();
            } else {
                a.requestMatchers(monitoring).hasAnyRole(CLASSIFY, ADMIN);
            }
            a.requestMatchers(EndpointRequest.toAnyEndpoint()).hasRole(ADMIN)
                    // The API's own description, like any public API's.
                    .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html",
                            "/swagger-ui/**").permitAll()
                    // The console's static files and chart library: no data in them, every API call they make
                    // carries the key the user typed in.
                    .requestMatchers(HttpMethod.GET, "/", "/console", "/console/**", "/webjars/**").permitAll()
                    .requestMatchers(HttpMethod.GET, "/serving/summary").hasRole(CLASSIFY)
                    .requestMatchers(HttpMethod.POST, "/classify").hasRole(CLASSIFY)
                    // Bulk jobs are /classify in the background: the same role runs them and reads any job's
                    // results (keys carry roles, not tenants; see docs/bulk-jobs.md).
                    .requestMatchers("/classify-jobs", "/classify-jobs/**").hasRole(CLASSIFY)
                    .requestMatchers(HttpMethod.GET, "/models", "/models/*").hasRole(CLASSIFY)
                    // Register, deploy, delete and export models; datasets; training jobs.
                    .requestMatchers("/models/**", "/datasets/**", "/train-jobs/**").hasRole(ADMIN)
                    // Which version each replica serves: operators' business.
                    .requestMatchers(HttpMethod.GET, "/replicas").hasRole(ADMIN)
                    // Anything else needs a valid key, so an unknown path is 401 without one and 404 with one.
                    .anyRequest().authenticated();
        });
        return http.build();
    }
}
