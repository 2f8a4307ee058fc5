package dev.tagger.engine;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Device choice from configuration and the number of GPUs PyTorch sees. */
class DeviceSelectorTest {

    @Test
    void autoTakesEveryGpuOrTheCpu() {
        assertThat(DeviceSelector.resolve("auto", 0)).containsExactly(Device.cpu());
        assertThat(DeviceSelector.resolve("auto", 2)).containsExactly(Device.gpu(0), Device.gpu(1));
        assertThat(DeviceSelector.resolve(null, 1)).containsExactly(Device.gpu(0));
    }

    @Test
    void explicitChoices() {
        assertThat(DeviceSelector.resolve("cpu", 4)).containsExactly(Device.cpu());
        assertThat(DeviceSelector.resolve("gpu", 2)).containsExactly(Device.gpu(0), Device.gpu(1));
        assertThat(DeviceSelector.resolve("gpu:1, gpu:3", 4)).containsExactly(Device.gpu(1), Device.gpu(3));
        assertThat(DeviceSelector.resolve("CUDA:0", 1)).containsExactly(Device.gpu(0));
    }

    @Test
    void impossibleChoicesSayWhy() {
        assertThatThrownBy(() -> DeviceSelector.resolve("gpu", 0)).hasMessageContaining("no GPU");
        assertThatThrownBy(() -> DeviceSelector.resolve("gpu:2", 2)).hasMessageContaining("2 GPU(s) visible");
        assertThatThrownBy(() -> DeviceSelector.resolve("tpu", 0)).hasMessageContaining("auto, cpu, gpu, gpu:N");
    }
}
