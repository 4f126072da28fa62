package org.imagegen.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.management.OperatingSystemMXBean;
import com.sun.tools.attach.VirtualMachine;

/**
 * Heap, threads and CPU of a measured process, read over JMX through the attach API; on Linux also the CPU of the JIT
 * compiler's threads, from /proc (JMX sees Java threads only).
 */
final class Probe implements AutoCloseable {

    /** Clock ticks a second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_S = 100;

    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final ThreadMXBean threads;
    private final OperatingSystemMXBean os;
    private final CompilationMXBean compilation;
    private final MBeanServerConnection server;
    long heapPeak;
    int threadsPeak;
    long cpuNanos;
    /** Time the JIT compiler spent compiling so far (its threads' work, on a busy machine partly waiting). */
    long compileMs;
    private final Path tasks;
    /** The compiler threads' CPU ticks, by thread id: a compiler thread that ends takes its figure with it. */
    private final Map<String, Long> compilerTicks = new HashMap<>();

    Probe(long pid) throws Exception {
        tasks = Path.of("/proc", String.valueOf(pid), "task");
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        String address = vm.startLocalManagementAgent();
        vm.detach();
        connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        server = connector.getMBeanServerConnection();
        memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        os = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
                OperatingSystemMXBean.class);
        compilation = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.COMPILATION_MXBEAN_NAME,
                CompilationMXBean.class);
    }

    void sample() {
        heapPeak = Math.max(heapPeak, memory.getHeapMemoryUsage().getUsed());
        threadsPeak = Math.max(threadsPeak, threads.getThreadCount());
        cpuNanos = os.getProcessCpuTime();
        compileMs = compilation.getTotalCompilationTime();
        sampleCompilerThreads();
    }

    /** CPU seconds the compiler's threads used so far (those seen by the samples); 0 where /proc is not there. */
    double compilerCpuSeconds() {
        return compilerTicks.values().stream().mapToLong(Long::longValue).sum() / TICKS_PER_S;
    }

    private void sampleCompilerThreads() {
        if (!Files.isDirectory(tasks)) {
            return;
        }
        try (Stream<Path> all = Files.list(tasks)) {
            all.forEach(task -> {
                try {
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        // stat: "tid (comm) state ..."; utime and stime are the 14th and 15th fields
                        String stat = Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        compilerTicks.put(task.getFileName().toString(),
                                Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                    }
                } catch (NoSuchFileException e) {
                    // the thread ended between the listing and the read
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forgets the peaks, so the next samples measure a phase of their own. */
    void resetPeaks() {
        heapPeak = 0;
        threadsPeak = 0;
    }

    /**
     * The heap still in use after a full collection: what the process keeps, unlike the peak, which also counts the
     * garbage the collector had not needed to reclaim yet.
     */
    long heapLiveAfterGc() {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Jobs in the job store, in any state (the bundle's JobOperations MBean). */
    long acceptedJobs() throws Exception {
        long total = 0;
        for (ObjectName name : server.queryNames(new ObjectName("org.imagegen:type=Jobs,*"), null)) {
            for (Object count : ((Map<?, ?>) server.getAttribute(name, "JobsByState")).values()) {
                total += ((Number) count).longValue();
            }
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
