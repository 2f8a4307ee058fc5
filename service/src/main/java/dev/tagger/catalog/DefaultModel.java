package dev.tagger.catalog;

import dev.tagger.model.format.ModelBundleIO;

/**
 * The model that comes with the service (inside the jar, or {@code tagger.model.dir}): served when nothing else is
 * deployed, never stored in and never deleted from the {@link ModelRepository}.
 *
 * @param id     its id
 * @param source where its files are
 */
public record DefaultModel(String id, ModelBundleIO.Source source) {
}
