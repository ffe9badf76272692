package io.carpgate.testkit;

import io.carpgate.tls.SelfSigned;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/** A generated certificate and key as the JDK's TLS servers of the tests take them: a key store, or its key managers. */
public final class SelfSignedKeys {
    /** The in-memory key store's password: it protects nothing, the KeyStore API requires one. */
    public static final char[] PASSWORD = "test-only".toCharArray();

    private SelfSignedKeys() {}

    public static KeyStore keyStore(SelfSigned.Pair pair) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", pair.keyPair().getPrivate(), PASSWORD, new Certificate[] {pair.certificate()});
        return store;
    }

    public static KeyManager[] keyManagers(SelfSigned.Pair pair) throws GeneralSecurityException, IOException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keyStore(pair), PASSWORD);
        return factory.getKeyManagers();
    }
}
