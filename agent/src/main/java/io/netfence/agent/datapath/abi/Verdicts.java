package io.netfence.agent.datapath.abi;

import io.netfence.agent.policy.Verdict;

final class Verdicts {
    private Verdicts() {}

    static int abi(Verdict verdict) {
        return switch (verdict) {
            case ALLOW -> Abi.ALLOW;
            case DENY -> Abi.DENY;
            case ALLOW_OWN -> Abi.RULE_ALLOW_OWN;
        };
    }
}
