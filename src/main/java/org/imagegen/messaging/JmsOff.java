package org.imagegen.messaging;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;

/**
 * The connection factory when imagegen.jms.enabled=false. Camel builds every route's endpoints, started or not, and
 * a JMS endpoint without a connection factory fails then; this one lets the stopped JMS routes be built and says
 * why if anything tries to connect (an event endpoint naming jms: while JMS is off).
 */
final class JmsOff implements ConnectionFactory {

    private static final String WHY = "JMS is off (imagegen.jms.enabled=false)";

    @Override
    public Connection createConnection() throws JMSException {
        throw new JMSException(WHY);
    }

    @Override
    public Connection createConnection(String userName, String password) throws JMSException {
        throw new JMSException(WHY);
    }

    @Override
    public JMSContext createContext() {
        throw new JMSRuntimeException(WHY);
    }

    @Override
    public JMSContext createContext(String userName, String password) {
        throw new JMSRuntimeException(WHY);
    }

    @Override
    public JMSContext createContext(String userName, String password, int sessionMode) {
        throw new JMSRuntimeException(WHY);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        throw new JMSRuntimeException(WHY);
    }
}
