package io.netfence.agent.datapath;

import io.netfence.agent.host.AtomicFile;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The ids the kernel knows agent policies by (in slots, events and flow records). They are kept
 * in the runtime directory beside the pins, both gone at reboot (and removed with the pins), so a restarted agent gives every
 * policy the id it had: a policy's flow history stays its own across agent restarts. Ids are never
 * reused within a boot, so the leftover records of a removed policy cannot pass to another.
 */
public final class PolicyIds {
    private static final String FILE = "policy-ids";
    private static final String NEXT = ".next";

    private final Path file;
    private final Map<String, Integer> ids = new HashMap<>();
    private int next = 1;

    private PolicyIds(Path file) {
        this.file = file;
    }

    /** Ids kept only in this process: tests, and the first agent of a boot until it saves. */
    public static PolicyIds inMemory() {
        return new PolicyIds(null);
    }

    /** The ids of the agent that ran before this one since boot, if any. */
    public static PolicyIds load(Path runtimeDirectory) throws IOException {
        PolicyIds loaded = new PolicyIds(runtimeDirectory.resolve(FILE));
        if (!Files.exists(loaded.file)) {
            return loaded;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(loaded.file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        try {
            for (String name : p.stringPropertyNames()) {
                int id = Integer.parseInt(p.getProperty(name));
                if (name.equals(NEXT)) {
                    loaded.next = Math.max(loaded.next, id);
                } else {
                    loaded.ids.put(name, id);
                    loaded.next = Math.max(loaded.next, id + 1);
                }
            }
        } catch (NumberFormatException e) {
            throw new IOException(loaded.file + ": not a list of policy ids (" + e.getMessage() + ")", e);
        }
        return loaded;
    }

    /** The policy's id, a new one for a name not seen since boot. */
    public int of(String name) throws IOException {
        Integer id = ids.get(name);
        if (id != null) {
            return id;
        }
        ids.put(name, next++);
        save();
        return ids.get(name);
    }

    /** Forgets the names not in force; their ids stay used. */
    public void keepOnly(Set<String> names) throws IOException {
        if (ids.keySet().retainAll(names)) {
            save();
        }
    }

    /** Every id given out since boot is at most this. */
    public int highest() {
        return next - 1;
    }

    public Map<Integer, String> names() {
        Map<Integer, String> names = new HashMap<>();
        ids.forEach((name, id) -> names.put(id, name));
        return names;
    }

    /** With the pins: nothing confined and no agent, so no record or slot carries an id any more. */
    static void remove(Path runtimeDirectory) throws IOException {
        Files.deleteIfExists(runtimeDirectory.resolve(FILE));
    }

    private void save() throws IOException {
        if (file == null) {
            return;
        }
        Properties p = new Properties();
        ids.forEach((name, id) -> p.setProperty(name, Integer.toString(id)));
        p.setProperty(NEXT, Integer.toString(next));
        AtomicFile.write(file, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            p.store(writer, "netfence agent policy ids: written by netfence, do not edit");
            writer.flush();
        });
    }
}
