package dev.tagger.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON bodies for {@link AbuseRequests}, built by hand so that one value can be swapped for bytes no JSON library
 * would write: a lone surrogate escape, an invalid UTF-8 byte, a number of a thousand digits. A tree is made of
 * maps (objects), lists (arrays), strings, and {@link Raw} bytes written as they are.
 */
final class JsonTree {

    /** Bytes written into the body as they are, valid JSON or not. */
    record Raw(byte[] bytes) {
    }

    /** Put at a path, removes the member there. */
    static final Object REMOVE = new Object();

    private JsonTree() {
    }

    static Raw raw(String json) {
        return new Raw(json.getBytes(StandardCharsets.UTF_8));
    }

    /** An object from name, value pairs, in that order. */
    static Map<String, Object> obj(Object... nameValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            m.put((String) nameValues[i], nameValues[i + 1]);
        }
        return m;
    }

    static List<Object> arr(Object... values) {
        return new ArrayList<>(List.of(values));
    }

    /** Every path of the tree below the root, parents before children ("parameters", then "parameters.epochs"). */
    static List<List<Object>> paths(Object tree) {
        List<List<Object>> out = new ArrayList<>();
        collect(tree, new ArrayList<>(), out);
        return out;
    }

    private static void collect(Object node, List<Object> at, List<List<Object>> out) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                List<Object> p = new ArrayList<>(at);
                p.add(e.getKey());
                out.add(p);
                collect(e.getValue(), p, out);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                List<Object> p = new ArrayList<>(at);
                p.add(i);
                out.add(p);
                collect(l.get(i), p, out);
            }
        }
    }

    /** The path as the API names fields: {@code training_data.examples[0].text}. */
    static String name(List<Object> path) {
        StringBuilder s = new StringBuilder();
        for (Object p : path) {
            if (p instanceof Integer i) {
                s.append('[').append(i).append(']');
            } else {
                s.append(s.length() == 0 ? "" : ".").append(p);
            }
        }
        return s.toString();
    }

    /** A copy of the tree with {@code value} at {@code path} ({@link #REMOVE}: without the member there). */
    static Object with(Object tree, List<Object> path, Object value) {
        return with(tree, path, 0, value);
    }

    private static Object with(Object node, List<Object> path, int depth, Object value) {
        if (depth == path.size()) {
            return value;
        }
        Object key = path.get(depth);
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!e.getKey().equals(key)) {
                    copy.put((String) e.getKey(), e.getValue());
                } else {
                    Object v = with(e.getValue(), path, depth + 1, value);
                    if (v != REMOVE) {
                        copy.put((String) e.getKey(), v);
                    }
                }
            }
            return copy;
        }
        List<Object> copy = new ArrayList<>();
        List<?> l = (List<?>) node;
        for (int i = 0; i < l.size(); i++) {
            Object v = i == (Integer) key ? with(l.get(i), path, depth + 1, value) : l.get(i);
            if (v != REMOVE) {
                copy.add(v);
            }
        }
        return copy;
    }

    static byte[] write(Object tree) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(tree, out);
        return out.toByteArray();
    }

    private static void write(Object node, ByteArrayOutputStream out) {
        if (node instanceof Raw r) {
            out.writeBytes(r.bytes());
        } else if (node instanceof String s) {
            out.writeBytes(quote(s).getBytes(StandardCharsets.UTF_8));
        } else if (node instanceof Map<?, ?> m) {
            out.write('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                out.writeBytes(quote((String) e.getKey()).getBytes(StandardCharsets.UTF_8));
                out.write(':');
                write(e.getValue(), out);
            }
            out.write('}');
        } else if (node instanceof List<?> l) {
            out.write('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                write(l.get(i), out);
            }
            out.write(']');
        } else {
            out.writeBytes(String.valueOf(node).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A JSON string literal; everything outside printable ASCII as a \\u escape, so lone surrogates survive. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
