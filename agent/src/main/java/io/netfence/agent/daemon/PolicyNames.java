package io.netfence.agent.daemon;

import java.util.Optional;
import java.util.regex.Pattern;

/** Why a name from a request cannot be a policy's, said before it is used as a file name. */
final class PolicyNames {
    /** The rule config.PolicyFiles applies to names in files. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private PolicyNames() {}

    static Optional<String> problem(String name) {
        if (NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        String shown = name.codePoints().limit(80)
                .collect(StringBuilder::new, (s, c) -> s.append(Character.isISOControl(c) ? String.format("\\u%04x", c)
                        : Character.toString(c)), StringBuilder::append).toString();
        String why = name.codePoints().anyMatch(Character::isISOControl) ? "it contains a control character"
                : name.isEmpty() ? "it is empty"
                : "a name is 1 to 63 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit";
        return Optional.of("invalid policy name '" + shown + "': " + why);
    }
}
