package org.codaasr.app.bench;

import java.io.IOException;
import java.util.List;

/**
 * A network namespace joined to the host by a veth pair: a process started in it ({@link #execPrefix()}) reaches the
 * host's end of the link, {@link #HOST_ADDRESS}, where the brokers listen, and nothing else. {@link #cut()} takes the
 * namespace's end of the link down, so only that process's traffic is dropped (the host keeps its address);
 * {@link #heal()} brings it back. Needs root (CAP_NET_ADMIN) and {@code ip}.
 */
final class NetworkNamespace implements AutoCloseable {

    static final String HOST_ADDRESS = "10.231.0.1";
    static final String MEMBER_ADDRESS = "10.231.0.2";

    private final String name;
    private final String hostEnd;
    private final String memberEnd;

    private NetworkNamespace(String name) {
        this.name = name;
        this.hostEnd = name + "h";
        this.memberEnd = name + "n";
    }

    /** Creates the namespace and its link; an {@link IOException} says why it could not (e.g. not root). */
    static NetworkNamespace create() throws IOException {
        NetworkNamespace ns = new NetworkNamespace("asrf" + ProcessHandle.current().pid() % 100_000);
        HostCommands.runQuietly("ip", "netns", "del", ns.name);
        try {
            HostCommands.run("ip", "netns", "add", ns.name);
            HostCommands.run("ip", "link", "add", ns.hostEnd, "type", "veth", "peer", "name", ns.memberEnd);
            HostCommands.run("ip", "link", "set", ns.memberEnd, "netns", ns.name);
            HostCommands.run("ip", "addr", "add", HOST_ADDRESS + "/30", "dev", ns.hostEnd);
            HostCommands.run("ip", "link", "set", ns.hostEnd, "up");
            ns.inside("ip", "addr", "add", MEMBER_ADDRESS + "/30", "dev", ns.memberEnd);
            ns.inside("ip", "link", "set", "lo", "up");
            ns.heal();
            return ns;
        } catch (IOException e) {
            ns.close();
            throw e;
        }
    }

    /** The command prefix that runs a process inside the namespace. */
    List<String> execPrefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** Drops every packet of the namespace: its end of the link goes down. */
    void cut() throws IOException {
        inside("ip", "link", "set", memberEnd, "down");
    }

    void heal() throws IOException {
        inside("ip", "link", "set", memberEnd, "up");
    }

    private void inside(String... command) throws IOException {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(command, 0, full, 4, command.length);
        HostCommands.run(full);
    }

    @Override
    public void close() {
        HostCommands.runQuietly("ip", "netns", "del", name);
        HostCommands.runQuietly("ip", "link", "del", hostEnd);
    }
}
