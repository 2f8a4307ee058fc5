package dev.tagger.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named weights with shape checks; a name is found with or without the {@code bert.} prefix that
 * Hugging Face puts in front of encoder tensors inside a task model.
 */
public final class WeightSet {

    private final Map<String, HostTensor> tensors;

    public WeightSet(Map<String, HostTensor> tensors) {
        this.tensors = new LinkedHashMap<>(tensors);
    }

    public Map<String, HostTensor> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public boolean has(String name) {
        return find(name) != null;
    }

    /** Returns the tensor or fails with a message that names it and the shape it must have. */
    public HostTensor require(String name, long... shape) {
        HostTensor t = find(name);
        if (t == null) {
            throw new ModelFormatException("missing tensor '" + name + "' (expected shape "
                    + Arrays.toString(shape) + ")");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException("tensor '" + name + "' has shape " + t.shapeString()
                    + ", expected " + Arrays.toString(shape));
        }
        return t;
    }

    private HostTensor find(String name) {
        HostTensor t = tensors.get(name);
        if (t == null && !name.startsWith("bert.")) {
            t = tensors.get("bert." + name);
        }
        if (t == null && name.startsWith("bert.")) {
            t = tensors.get(name.substring(5));
        }
        return t;
    }
}
