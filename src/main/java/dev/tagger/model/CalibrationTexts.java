package dev.tagger.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Texts the int8 encoder is calibrated on at load time. */
final class CalibrationTexts {

    private static final String RESOURCE = "calibration.txt";

    private CalibrationTexts() {
    }

    static List<String> load() {
        try {
            String file = System.getProperty("calib");
            String text;
            if (file != null) {
                text = Files.readString(Path.of(file));
            } else {
                try (InputStream in = CalibrationTexts.class.getResourceAsStream(RESOURCE)) {
                    if (in == null) {
                        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            int limit = Integer.getInteger("calibN", 100000);
            return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).limit(limit).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
