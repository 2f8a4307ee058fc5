package dev.tagger;

import dev.tagger.engine.TorchEngine;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the tagging service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TaggerApplication {

    public static void main(String[] args) {
        TorchEngine.goOffline();
        SpringApplication.run(TaggerApplication.class, args);
    }
}
