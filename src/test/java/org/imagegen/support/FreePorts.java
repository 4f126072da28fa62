package org.imagegen.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port for a server a test starts (or restarts) on 127.0.0.1 at a number it must know beforehand. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A loopback port nothing listens on at this moment. */
    public static int loopback() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
