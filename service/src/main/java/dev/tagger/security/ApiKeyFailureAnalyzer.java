package dev.tagger.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a refused key configuration into Spring Boot's short "APPLICATION FAILED TO START" report. */
class ApiKeyFailureAnalyzer extends AbstractFailureAnalyzer<ApiKeyConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ApiKeyConfigurationException cause) {
        return new FailureAnalysis("The API key configuration cannot be used: " + cause.getMessage(),
                "Fix tagger.security.* (see \"API keys\" in the README). Keys are given as comma-separated lists, "
                        + "each entry a key or sha256:<hex of the key>.", cause);
    }
}
