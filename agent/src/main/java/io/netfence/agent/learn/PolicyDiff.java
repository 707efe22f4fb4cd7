package io.netfence.agent.learn;

import io.netfence.agent.policy.Decision;
import io.netfence.agent.policy.PortRange;
import io.netfence.agent.policy.Protocol;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Recorded flows judged by two sets of rules, the policy in force and a candidate, each by the
 * documented semantics ({@link Decision}): the flows the candidate would deny that the policy in
 * force allows, the reverse, and how many flows both judge alike. A flow recorded for a range of
 * ports (answers to ephemeral ports) is judged port range by port range where either side's port
 * rules split it, so a difference names exactly the ports it is about.
 *
 * @param newlyDenied  the candidate denies, the policy in force allows; sorted
 * @param newlyAllowed the candidate allows, the policy in force denies; sorted
 * @param agreeing     flows both judge alike on every port
 * @param flows        flows judged
 */
public record PolicyDiff(List<Difference> newlyDenied, List<Difference> newlyAllowed, int agreeing, int flows) {

    /** The rules of one side, per direction, as objects: each flow reads them all (a rules file's come in columns). */
    public record Rules(List<Rule> egress, List<Rule> ingress) {
        public Rules {
            egress = List.copyOf(egress);
            ingress = List.copyOf(ingress);
        }

        List<Rule> of(boolean ingress) {
            return ingress ? this.ingress : egress;
        }
    }

    /**
     * Where the two sides differ on one flow.
     *
     * @param ports the ports of the flow they differ on (the flow's own where it has one port or
     *              they differ on its whole range); null for flows without ports
     */
    public record Difference(ObservedFlow flow, PortRange ports) {}

    public boolean same() {
        return newlyDenied.isEmpty() && newlyAllowed.isEmpty();
    }

    public static PolicyDiff of(Rules inForce, Rules candidate, List<ObservedFlow> recorded) {
        List<Difference> denied = new ArrayList<>();
        List<Difference> allowed = new ArrayList<>();
        int agreeing = 0;
        List<ObservedFlow> flows = ObservedFlow.merge(recorded);
        for (ObservedFlow flow : flows) {
            List<Rule> now = inForce.of(flow.ingress());
            List<Rule> next = candidate.of(flow.ingress());
            boolean differs = false;
            for (Piece piece : pieces(flow, now, next)) {
                if (piece.now() == piece.next()) {
                    continue;
                }
                differs = true;
                (piece.next() == Verdict.DENY ? denied : allowed).add(new Difference(flow, piece.ports()));
            }
            if (!differs) {
                agreeing++;
            }
        }
        denied.sort(ORDER);
        allowed.sort(ORDER);
        return new PolicyDiff(List.copyOf(denied), List.copyOf(allowed), agreeing, flows.size());
    }

    /** A run of the flow's ports both sides judge uniformly. */
    private record Piece(PortRange ports, Verdict now, Verdict next) {}

    /**
     * The flow's ports cut wherever a port rule of either side starts or ends, judged per cut
     * (within a cut no rule's port match changes), neighbours with the same pair of verdicts joined.
     */
    private static List<Piece> pieces(ObservedFlow flow, List<Rule> now, List<Rule> next) {
        Protocol protocol = flow.ruleProtocol();
        PortRange range = flow.ports();
        if (range == null || !(protocol == Protocol.TCP || protocol == Protocol.UDP)) {
            Decision.Traffic traffic = traffic(flow, 0);
            return List.of(new Piece(null, Decision.of(now, traffic), Decision.of(next, traffic)));
        }
        TreeSet<Integer> starts = new TreeSet<>(List.of(range.from()));
        for (List<Rule> rules : List.of(now, next)) {
            for (Rule rule : rules) {
                if (rule.ports() != null) {
                    addStart(starts, range, rule.ports().from());
                    addStart(starts, range, rule.ports().to() + 1);
                }
            }
        }
        List<Piece> pieces = new ArrayList<>();
        List<Integer> cuts = new ArrayList<>(starts);
        for (int i = 0; i < cuts.size(); i++) {
            int from = cuts.get(i);
            int to = i + 1 < cuts.size() ? cuts.get(i + 1) - 1 : range.to();
            Decision.Traffic traffic = traffic(flow, from);
            Piece piece = new Piece(new PortRange(from, to), Decision.of(now, traffic), Decision.of(next, traffic));
            Piece last = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
            if (last != null && last.now() == piece.now() && last.next() == piece.next()) {
                pieces.set(pieces.size() - 1, new Piece(new PortRange(last.ports().from(), to), piece.now(), piece.next()));
            } else {
                pieces.add(piece);
            }
        }
        return pieces;
    }

    private static void addStart(TreeSet<Integer> starts, PortRange range, int port) {
        if (port > range.from() && port <= range.to()) {
            starts.add(port);
        }
    }

    private static Decision.Traffic traffic(ObservedFlow flow, int port) {
        return new Decision.Traffic(flow.remote().address(), flow.ruleProtocol(), port, flow.own());
    }

    /** Egress first, then by address (IPv4 first), protocol and port. */
    static final Comparator<Difference> ORDER = Comparator.<Difference, Boolean>comparing(d -> d.flow().ingress())
            .thenComparing(d -> d.flow().remote(), LearnedRules::compare)
            .thenComparingInt(d -> d.flow().protocol())
            .thenComparingInt(d -> d.ports() == null ? 0 : d.ports().from())
            .thenComparing(d -> d.flow().own());
}
