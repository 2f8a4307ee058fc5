package dev.tagger.training.jobs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainModeTest {

    @Test
    void modesNameTheParameterGroupsTheyTrain() {
        assertThat(TrainMode.parse("head", 6).groups(6)).isEmpty();
        assertThat(TrainMode.parse("top_layers:2", 6).groups(6)).containsExactly(5, 6);
        assertThat(TrainMode.parse("top_layers:6", 6).groups(6)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(TrainMode.parse("all", 6).groups(6)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(TrainMode.parse("top_layers:3", 6)).hasToString("top_layers:3");
    }

    @Test
    void anythingElseIsRefusedWithTheAcceptedForms() {
        assertThatThrownBy(() -> TrainMode.parse("top_layers:7", 6)).hasMessageContaining("from 1 to 6");
        assertThatThrownBy(() -> TrainMode.parse("top_layers:0", 6)).hasMessageContaining("from 1 to 6");
        assertThatThrownBy(() -> TrainMode.parse("encoder", 6)).hasMessageContaining("head, top_layers:N or all");
        assertThatThrownBy(() -> TrainMode.parse(null, 6)).isInstanceOf(IllegalArgumentException.class);
    }
}
