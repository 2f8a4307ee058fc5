package dev.tagger.security;

/** The API key settings cannot be used; start-up stops with this message (which never holds a key). */
public class ApiKeyConfigurationException extends IllegalStateException {

    public ApiKeyConfigurationException(String message) {
        super(message);
    }
}
