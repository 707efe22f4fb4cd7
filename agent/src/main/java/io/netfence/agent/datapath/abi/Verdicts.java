package io.netfence.agent.datapath.abi;

import io.netfence.agent.policy.Verdict;

final class Verdicts {
    private Verdicts() {}

    static int abi(Verdict verdict) {
        return verdict == Verdict.ALLOW ? Abi.ALLOW : Abi.DENY;
    }
}
