package dev.sandtable.local;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/** Generated names such as "brisk-otter-7f3a": easy to say, valid DNS labels, unique among the taken ones. */
final class FriendlyNames {
    private static final List<String> ADJECTIVES = List.of("brisk", "calm", "eager", "fuzzy", "gentle", "happy", "jolly",
            "keen", "lucky", "mellow", "nimble", "proud", "quiet", "rapid", "sunny", "tidy", "vivid", "witty", "zesty", "bold");
    private static final List<String> ANIMALS = List.of("otter", "badger", "falcon", "heron", "lynx", "marten", "newt",
            "panda", "quokka", "raven", "seal", "tapir", "walrus", "yak", "zebra", "koala", "ibis", "gecko", "dingo", "crane");
    private static final SecureRandom RANDOM = new SecureRandom();

    private FriendlyNames() {
    }

    static String next(Predicate<String> taken) {
        while (true) {
            String n = ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "-" + ANIMALS.get(RANDOM.nextInt(ANIMALS.size()))
                    + "-" + hex(2);
            if (!taken.test(n)) return n;
        }
    }

    /** {@code prefix-xxxxxx}, the prefix cut so that the whole stays a valid name. */
    static String withPrefix(String prefix, Predicate<String> taken) {
        String p = prefix.length() > 48 ? prefix.substring(0, 48).replaceAll("-+$", "") : prefix;
        while (true) {
            String n = p + "-" + hex(3);
            if (!taken.test(n)) return n;
        }
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
