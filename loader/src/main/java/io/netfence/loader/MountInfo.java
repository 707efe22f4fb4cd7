package io.netfence.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** One line of /proc/self/mountinfo, the fields netfence needs. */
public record MountInfo(String mountPoint, String fsType) {
    private static final Path SELF = Path.of("/proc/self/mountinfo");

    /** The mounts of filesystems of one type, in mount order. */
    public static List<MountInfo> ofType(String fsType) throws IOException {
        return Files.readAllLines(SELF).stream().map(MountInfo::parse).filter(Objects::nonNull)
                .filter(m -> m.fsType().equals(fsType)).toList();
    }

    /** Returns null for a line that is not in mountinfo's format. */
    public static MountInfo parse(String line) {
        String[] fields = line.split(" ");
        int separator = -1;
        for (int i = 6; i < fields.length; i++) {
            if (fields[i].equals("-")) {
                separator = i;
                break;
            }
        }
        if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length) {
            return null;
        }
        return new MountInfo(unescape(fields[4]), fields[separator + 1]);
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
