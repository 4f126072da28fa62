package org.imagegen.support;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.sshd.common.file.nativefs.NativeFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An SFTP server in the test JVM (Apache MINA SSHD) on 127.0.0.1 and a free port: one user with a password, who logs
 * in to a home folder under target/ and sees this machine's file system as it is, so that a path relative to the login
 * folder and an absolute one land in different places, as on a real server. Records every rename, to show uploads
 * arrive under a temporary name first.
 */
public final class SftpServer implements AutoCloseable {

    public final Path home;
    public final List<String> renames = new CopyOnWriteArrayList<>();
    private final SshServer server;

    public SftpServer(Path root, String user, String password) throws IOException {
        this(root, user, password, 0);
    }

    /** On {@code port} (0: any free one): a server brought back on the port a sink was configured with. */
    public SftpServer(Path root, String user, String password, int port) throws IOException {
        home = Files.createDirectories(root.resolve("home").resolve(user));
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(root.resolve("hostkey.ser")));
        server.setPasswordAuthenticator((u, p, session) -> user.equals(u) && password.equals(p));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void moved(ServerSession session, Path srcPath, Path dstPath, Collection<CopyOption> opts,
                              Throwable thrown) {
                if (thrown == null) {
                    renames.add(srcPath.getFileName() + " -> " + dstPath.getFileName());
                }
            }
        });
        // the login folder: where relative paths start (MINA's own default is the JVM's working folder)
        sftp.setFileSystemAccessor(new SftpFileSystemAccessor() {
            @Override
            public Path resolveLocalFilePath(SftpSubsystemProxy subsystem, Path rootDir, String remotePath)
                    throws IOException {
                return SftpFileSystemAccessor.super.resolveLocalFilePath(subsystem,
                        remotePath.startsWith("/") ? rootDir : home, remotePath);
            }
        });
        server.setSubsystemFactories(List.of(sftp));
        server.setFileSystemFactory(NativeFileSystemFactory.INSTANCE);
        server.start();
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
