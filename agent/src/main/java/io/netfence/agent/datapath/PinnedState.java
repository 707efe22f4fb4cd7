package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.Abi;
import io.netfence.agent.datapath.abi.Meta;
import io.netfence.loader.BpfException;
import io.netfence.loader.BpfFs;
import io.netfence.loader.BpfLsm;
import io.netfence.loader.BpfMap;
import io.netfence.loader.BpfObject;
import io.netfence.loader.BpfProgram;
import io.netfence.loader.Memlock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * The host's shared programs and maps, opened from their pins, or loaded from the embedded object
 * and pinned when there are none. {@link LockedPins} opens it under the host lock, for one
 * operation or, in the agent, for the agent's lifetime; no CLI call unpins anything while an
 * agent runs, so no process ever keeps using programs another one has unpinned.
 */
final class PinnedState implements AutoCloseable {
    static final String OBJECT_RESOURCE = "/io/netfence/bpf/netfence.bpf.o";
    private static final List<String> MAPS = List.of(Abi.MAP_RULES, Abi.MAP_HOSTS, Abi.MAP_PORTLISTS, Abi.MAP_CG_POLICY,
            Abi.MAP_CG_STATS, Abi.MAP_RULESETS, Abi.MAP_META, Abi.MAP_EVENTS, Abi.MAP_RATELIMIT, Abi.MAP_COUNTERS,
            Abi.MAP_SK_SCOPES, Abi.MAP_FLOWS, Abi.MAP_LEARNED, Abi.MAP_DNS_STEER);

    final Map<Hook, BpfProgram> programs;
    final BpfMap rules;
    final BpfMap hosts;
    final BpfMap portLists;
    final BpfMap cgroupPolicy;
    final BpfMap cgroupStats;
    final BpfMap rulesets;
    final BpfMap meta;
    final BpfMap events;
    final BpfMap counters;
    final BpfMap flows;

    private PinnedState(Map<Hook, BpfProgram> programs, Map<String, BpfMap> maps) {
        this.programs = programs;
        this.rules = maps.get(Abi.MAP_RULES);
        this.hosts = maps.get(Abi.MAP_HOSTS);
        this.portLists = maps.get(Abi.MAP_PORTLISTS);
        this.cgroupPolicy = maps.get(Abi.MAP_CG_POLICY);
        this.cgroupStats = maps.get(Abi.MAP_CG_STATS);
        this.rulesets = maps.get(Abi.MAP_RULESETS);
        this.meta = maps.get(Abi.MAP_META);
        this.events = maps.get(Abi.MAP_EVENTS);
        this.counters = maps.get(Abi.MAP_COUNTERS);
        this.flows = maps.get(Abi.MAP_FLOWS);
        maps.get(Abi.MAP_RATELIMIT).close(); // pinned with the rest; only the programs use them
        maps.get(Abi.MAP_SK_SCOPES).close();
        maps.get(Abi.MAP_LEARNED).close(); // the DNS proxy opens these two itself (NameMaps)
        maps.get(Abi.MAP_DNS_STEER).close();
    }

    /**
     * @param lsmRefused   a file (in the runtime directory, so gone at reboot) that records that the
     *                     kernel refused the BPF LSM program
     * @param flowCapacity nf_flows' capacity if the maps are created now; maps already pinned keep theirs
     */
    static PinnedState openOrLoad(PinLayout pins, Path lsmRefused, int flowCapacity) throws IOException {
        Memlock.raise();
        byte[] object = embeddedObject();
        Meta build = new Meta(Abi.VERSION, sha256(object));
        if (isPinned(pins)) {
            PinnedState pinned = openPinned(pins);
            boolean sameBuild = pinned.meta.lookup(Meta.key()).map(Meta::decode).map(build::sameBuild).orElse(false);
            if (sameBuild || hasAttachments(pins)) {
                // another build's programs keep serving the cgroups that use them; replacing them
                // in place is the agent's upgrade path, not a side effect of a CLI call
                return pinned;
            }
            pinned.close();
            removeAll(pins);
        }
        return load(pins, object, build, lsmRefused, flowCapacity);
    }

    static boolean isPinned(PinLayout pins) {
        for (Hook hook : Hook.values()) {
            if (!hook.optional() && !Files.exists(pins.program(hook))) {
                return false;
            }
        }
        return MAPS.stream().allMatch(name -> Files.exists(pins.map(name)));
    }

    static boolean hasAttachments(PinLayout pins) throws IOException {
        if (!Files.isDirectory(pins.cgroups())) {
            return false;
        }
        try (Stream<Path> entries = Files.list(pins.cgroups())) {
            return entries.findAny().isPresent();
        }
    }

    /** Opens what is pinned, whichever build pinned it; changes nothing. */
    static PinnedState openPinned(PinLayout pins) throws BpfException {
        Map<Hook, BpfProgram> programs = new EnumMap<>(Hook.class);
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        try {
            for (Hook hook : Hook.values()) {
                if (!hook.optional() || Files.exists(pins.program(hook))) {
                    programs.put(hook, BpfProgram.openPinned(hook.programName(), hook.attachType(), pins.program(hook).toString()));
                }
            }
            for (String name : MAPS) {
                maps.put(name, BpfMap.openPinned(name, pins.map(name).toString()));
            }
            return new PinnedState(programs, maps);
        } catch (BpfException e) {
            programs.values().forEach(BpfProgram::close);
            maps.values().forEach(BpfMap::close);
            throw e;
        }
    }

    private static PinnedState load(PinLayout pins, byte[] object, Meta build, Path lsmRefused, int requestedFlowCapacity)
            throws IOException {
        int flowCapacity = pinnedCapacity(pins, Abi.MAP_FLOWS).orElse(requestedFlowCapacity); // libbpf reuses a pin only as it is
        Files.createDirectories(pins.maps());
        Files.createDirectories(pins.programs());
        Map<String, String> mapPins = new LinkedHashMap<>();
        for (String name : MAPS) {
            mapPins.put(name, pins.map(name).toString());
        }
        boolean packetSockets = BpfLsm.cgroupPrograms().available() && !Files.exists(lsmRefused);
        if (packetSockets) {
            try {
                loadAndPin(pins, object, mapPins, true, flowCapacity);
            } catch (BpfException refused) {
                // BPF LSM is active, yet some kernels (lockdown, sandboxed VMs) refuse LSM programs:
                // everything else still loads; the marker spares later loads this boot the attempt
                loadAndPin(pins, object, mapPins, false, flowCapacity);
                Files.writeString(lsmRefused, refused.getMessage().lines().findFirst().orElse("refused") + "\n");
            }
        } else {
            loadAndPin(pins, object, mapPins, false, flowCapacity);
        }
        PinnedState state = openPinned(pins);
        state.meta.update(Meta.key(), build.encode(), BpfMap.ANY);
        return state;
    }

    private static OptionalInt pinnedCapacity(PinLayout pins, String map) throws BpfException {
        if (!Files.exists(pins.map(map))) {
            return OptionalInt.empty();
        }
        try (BpfMap pinned = BpfMap.openPinned(map, pins.map(map).toString())) {
            return OptionalInt.of(pinned.maxEntries());
        }
    }

    private static void loadAndPin(PinLayout pins, byte[] object, Map<String, String> mapPins, boolean packetSockets,
                                   int flowCapacity) throws IOException {
        try (BpfObject bpf = BpfObject.open("netfence.bpf.o", object)) {
            bpf.pinMapsAt(mapPins);
            bpf.setMaxEntries(Abi.MAP_FLOWS, flowCapacity);
            if (!packetSockets) {
                bpf.skipProgram(Hook.PACKET_SOCKETS.programName());
            }
            bpf.load();
            for (Hook hook : Hook.values()) {
                if (hook == Hook.PACKET_SOCKETS && !packetSockets) {
                    continue;
                }
                try (BpfProgram program = bpf.program(hook.programName(), hook.attachType())) {
                    BpfFs.unpin(pins.program(hook));
                    program.pin(pins.program(hook).toString());
                }
            }
        }
    }

    /** Unpins everything under the layout's root: programs and maps go once no fd holds them. */
    static void removeAll(PinLayout pins) throws IOException {
        if (!Files.exists(pins.root())) {
            return;
        }
        try (Stream<Path> walk = Files.walk(pins.root())) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
        Path parent = pins.root().getParent();
        try (Stream<Path> rest = Files.list(parent)) {
            if (rest.findAny().isEmpty()) {
                Files.deleteIfExists(parent);
            }
        }
    }

    static byte[] embeddedObject() {
        try (InputStream in = PinnedState.class.getResourceAsStream(OBJECT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the BPF object " + OBJECT_RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        programs.values().forEach(BpfProgram::close);
        for (BpfMap map : List.of(rules, hosts, portLists, cgroupPolicy, cgroupStats, rulesets, meta, events, counters, flows)) {
            map.close();
        }
    }
}
