package dev.tagger.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tagger.store.mode: local or shared, and a message that names the setting otherwise. */
class StoreModeTest {

    @Test
    void localAndSharedAreTheModesAndAnythingElseNamesTheSetting() {
        assertThat(new StoreMode("local").shared()).isFalse();
        assertThat(new StoreMode("shared").shared()).isTrue();
        assertThatThrownBy(() -> new StoreMode("postgres")).hasMessageContaining("tagger.store.mode")
                .hasMessageContaining("'postgres'");
        assertThatThrownBy(() -> new StoreMode("Shared")).hasMessageContaining("lower case");
    }
}
