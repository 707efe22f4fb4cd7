package io.netfence.agent.daemon;

import io.netfence.agent.config.PolicyFiles;
import java.util.Optional;

/** Why a name from a request cannot be a policy's, said before it is used as a file name. */
final class PolicyNames {
    private PolicyNames() {}

    static Optional<String> problem(String name) {
        if (PolicyFiles.isValidName(name)) {
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
