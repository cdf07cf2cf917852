package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

/**
 * What a WatchDir request asks to watch: the directory as the sandbox names it and as the host reaches it, and the
 * request's options. It shapes the events both watch implementations send.
 */
record WatchTarget(String insideRoot, Path root, boolean recursive, boolean includeEntry) {
    /** A {@code WatchDirResponse} for {@code child} (a host path at or below the root); envd names the root itself ".". */
    ObjectNode event(Path child, String type) {
        ObjectNode fs = ProtoJson.object();
        String name = child.equals(root) ? "." : root.relativize(child).toString();
        fs.put("name", name);
        fs.put("type", type);
        // envd fills the entry only for these three; the others describe something that is no longer there
        if (includeEntry && (type.equals("EVENT_TYPE_CREATE") || type.equals("EVENT_TYPE_WRITE") || type.equals("EVENT_TYPE_CHMOD"))) {
            String inside = name.equals(".") ? insideRoot : insideRoot.equals("/") ? "/" + name : insideRoot + "/" + name;
            try {
                fs.set("entry", EnvdFilesystem.entry(inside, child));
            } catch (ConnectError gone) {
                // removed before we looked
            }
        }
        ObjectNode ev = ProtoJson.object();
        ev.set("filesystem", fs);
        return ev;
    }
}
