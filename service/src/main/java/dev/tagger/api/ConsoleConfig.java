package dev.tagger.api;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The web console: static files under {@code classpath:/static/console/} (plain ES modules, no build step) and its
 * chart library from a webjar under {@code /webjars/}. They hold no data; every call they make goes through the API
 * with the key the user entered, so the security rules let anyone read them.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfig implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        // The service's root is the console; its folder answers with its page (static folders have no index).
        registry.addRedirectViewController("/", "/console/");
        registry.addRedirectViewController("/console", "/console/");
        registry.addViewController("/console/").setViewName("forward:/console/index.html");
    }
}
