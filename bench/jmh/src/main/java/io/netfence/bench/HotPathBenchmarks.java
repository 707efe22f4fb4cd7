package io.netfence.bench;

import io.netfence.agent.datapath.CompiledRuleset;
import io.netfence.agent.datapath.PolicyCompiler;
import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.Event;
import io.netfence.agent.datapath.abi.RuleKey;
import io.netfence.agent.policy.IpPrefix;
import io.netfence.agent.policy.Rule;
import io.netfence.agent.policy.RuleSyntax;
import io.netfence.agent.policy.Verdict;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Java paths whose cost grows with policy size or event rate. Run:
 * {@code java -jar bench/jmh/target/benchmarks.jar} (add {@code -f 1 -wi 2 -i 3} for a quick run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HotPathBenchmarks {
    private IpPrefix v4;
    private IpPrefix v6;
    private ByteBuffer keys;
    private ByteBuffer event;
    private List<Rule> tenThousandRules;
    private List<String> ruleTexts;

    @Setup
    public void setUp() {
        v4 = IpPrefix.parse("198.18.7.0/24");
        v6 = IpPrefix.parse("fd00:1:2::/48");
        keys = ByteBuffer.allocate(RuleKey.SIZE);
        event = ByteBuffer.allocate(Event.SIZE).order(ByteOrder.nativeOrder());
        event.putLong(123456789L).putLong(4242).putInt(412).putInt(7).putInt(0).put((byte) 0).put((byte) 0).putShort((short) 0);
        event.put("curl\0\0\0\0\0\0\0\0\0\0\0\0".getBytes());
        event.put(new byte[] {(byte) 198, 18, 0, 2}).put(new byte[12]).putShort((short) 443)
                .put((byte) Abi.FAMILY_IPV4).put((byte) 6).put((byte) Abi.HOOK_CONNECT).put(new byte[3]);
        tenThousandRules = new ArrayList<>();
        ruleTexts = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String text = "198.19." + (i >> 8) + "." + (i & 255) + (i % 10 == 0 ? ":443/tcp" : "");
            ruleTexts.add(text);
            tenThousandRules.addAll(RuleSyntax.parse(i % 3 == 0 ? Verdict.ALLOW : Verdict.DENY, text));
        }
        tenThousandRules.addAll(RuleSyntax.parse(Verdict.DENY, "any"));
    }

    @Benchmark
    public ByteBuffer encodeIpv4RuleKey() {
        keys.clear();
        RuleKey.encode(keys, 7, v4);
        return keys;
    }

    @Benchmark
    public ByteBuffer encodeIpv6RuleKey() {
        keys.clear();
        RuleKey.encode(keys, 7, v6);
        return keys;
    }

    @Benchmark
    public Event decodeEvent() {
        return Event.decode(event.duplicate().order(ByteOrder.nativeOrder()).position(0));
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @BenchmarkMode(Mode.AverageTime)
    public int parseTenThousandRules() {
        int n = 0;
        for (String text : ruleTexts) {
            n += RuleSyntax.parse(Verdict.DENY, text).size();
        }
        return n;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @BenchmarkMode(Mode.AverageTime)
    public CompiledRuleset compileTenThousandRulesWithPorts() {
        return PolicyCompiler.compile(tenThousandRules);
    }
}
