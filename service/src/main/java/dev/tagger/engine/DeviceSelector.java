package dev.tagger.engine;

import ai.djl.Device;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the configured device spec into devices: {@code auto} (every GPU when there is one, else the
 * CPU), {@code cpu}, {@code gpu} (every GPU, an error without one) or a list such as {@code gpu:0,gpu:2}.
 * The only place that decides where tensors live.
 */
public final class DeviceSelector {

    private DeviceSelector() {
    }

    public static List<Device> resolve(String spec, int gpuCount) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("auto")) {
            return gpuCount > 0 ? allGpus(gpuCount) : List.of(Device.cpu());
        }
        if (s.equals("cpu")) {
            return List.of(Device.cpu());
        }
        if (s.equals("gpu") || s.equals("cuda")) {
            if (gpuCount == 0) {
                throw new IllegalArgumentException("device 'gpu' was asked for but no GPU is visible to PyTorch"
                        + " (is a CUDA libtorch installed and PYTORCH_FLAVOR set?)");
            }
            return allGpus(gpuCount);
        }
        List<Device> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.equals("cpu")) {
                out.add(Device.cpu());
                continue;
            }
            if (!p.matches("(gpu|cuda):\\d+")) {
                throw new IllegalArgumentException("device '" + p + "' is not one of auto, cpu, gpu, gpu:N");
            }
            int id = Integer.parseInt(p.substring(p.indexOf(':') + 1));
            if (id >= gpuCount) {
                throw new IllegalArgumentException("device '" + p + "' does not exist: " + gpuCount + " GPU(s) visible");
            }
            out.add(Device.gpu(id));
        }
        return List.copyOf(out);
    }

    private static List<Device> allGpus(int gpuCount) {
        List<Device> out = new ArrayList<>();
        for (int i = 0; i < gpuCount; i++) {
            out.add(Device.gpu(i));
        }
        return List.copyOf(out);
    }
}
