package com.lockupguard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** URLs as they may be shown in logs and messages: never with a password, and never naming the wrong host. */
class RegistryClientConfigTest {

    @Test
    void shouldHideTheUserInfoOfEveryUrlInAListOrAMessage() {
        assertThat(RegistryClientConfig.shown("https://a:b@r1:8081/x, http://c@r2,mock://s"))
                .isEqualTo("https://r1:8081/x, http://r2,mock://s");
        assertThat(RegistryClientConfig.shown("Invalid value http://idp:pass@issuer.example/jwks for configuration"))
                .isEqualTo("Invalid value http://issuer.example/jwks for configuration");
    }

    @Test
    void shouldHideTheValueOfEveryQueryParameterWhoseNameSaysItHoldsASecret() {
        // given a presigned JWKS URL (Azure SAS, S3) and one with an API key, in a list and in a message
        String sas = "https://store.blob.core.windows.net/idp/jwks.json?sv=2024-01-01&sig=c2VjcmV0&se=2027-01-01";
        String s3 = "https://b.s3.amazonaws.com/jwks?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=ab12&X-Amz-Expires=60";
        // when / then: those values are hidden, the rest of each URL stays, user-info still goes, a fragment stays
        assertThat(RegistryClientConfig.shown(sas + "," + s3)).isEqualTo(
                "https://store.blob.core.windows.net/idp/jwks.json?sv=2024-01-01&sig=[hidden]&se=2027-01-01,"
                        + "https://b.s3.amazonaws.com/jwks?X-Amz-Credential=[hidden]&X-Amz-Signature=[hidden]"
                        + "&X-Amz-Expires=60");
        assertThat(RegistryClientConfig.shown("JWKS http://u:p@idp/keys?api_key=k3y&v=1#top cannot be read"))
                .isEqualTo("JWKS http://idp/keys?api_key=[hidden]&v=1#top cannot be read");
        assertThat(RegistryClientConfig.quoted("https://idp.example/jwks?access_token=t0k3n"))
                .isEqualTo("https://idp.example/jwks?access_token=[hidden]");
        // and an '@' in the query, which may end a password holding an unencoded '?', hides all before it but not
        // the secret after it; other separators and spellings are read; and a password whose only '@' ends up
        // hidden is not shown in part
        assertThat(RegistryClientConfig.shown("https://idp/jwks?email=a@b.com&sig=S3CRET"))
                .isEqualTo("https://b.com&sig=[hidden]");
        assertThat(RegistryClientConfig.shown("https://u:p?x@idp/jwks?sig=S3CRET"))
                .isEqualTo("https://idp/jwks?sig=[hidden]");
        assertThat(RegistryClientConfig.shown("https://idp/k?a=1;sig=S&%73ig=S&pwd=S#access_token=S"))
                .isEqualTo("https://idp/k?a=1;sig=[hidden]&%73ig=[hidden]&pwd=[hidden]#access_token=[hidden]");
        assertThat(RegistryClientConfig.shown("https://user:pa#sig=x@host/k")).isEqualTo("https://[hidden]");
        // and a JWT, an HMAC, a session or a bearer token by those names (a security review found them shown)
        assertThat(RegistryClientConfig.shown("https://idp/k?jwt=e1&hmac=h&sessionId=s&v=1#bearer=b"))
                .isEqualTo("https://idp/k?jwt=[hidden]&hmac=[hidden]&sessionId=[hidden]&v=1#bearer=[hidden]");
        // and a URL with nothing secret is shown as it is
        String plain = "https://login.example/tenant/discovery/v2.0/keys?p=b2c_1_signin&appid=42";
        assertThat(RegistryClientConfig.shown(plain)).isSameAs(plain);
    }

    @Test
    void shouldHideTheUserInfoOfEachUrlOfAListWrittenWithoutSpaces() {
        // given registry URLs listed as most configurations list them, with commas only
        // when / then: each keeps its host, and neither password shows
        assertThat(RegistryClientConfig.shown("https://a:b@r1:8081,https://c:d@r2:8081/sr"))
                .isEqualTo("https://r1:8081,https://r2:8081/sr");
    }

    @Test
    void shouldRefuseARegistryUrlWithoutAHostAtOnceWithoutShowingItsPassword() {
        // given a registry URL whose unencoded '/' in the password leaves no host to be told
        java.util.Map<String, Object> settings = java.util.Map.of("schema.registry.url", "http://desk:pa/ss@r1:8081");
        // when the client is made, then it is refused there, naming the setting, and not at its first request (whose
        // error would quote the URL whole)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("schema.registry.url").hasMessageNotContaining("pa/ss")
                .hasMessageNotContaining("desk");
    }

    @Test
    void shouldTakeTheProxysHostFromAUrlAndNoProxyFromABlankHost() {
        // given proxy settings as Confluent's client takes them: a host, or a URL whose host is used
        java.util.function.Function<String, java.net.InetSocketAddress> proxy = host -> new RegistryClientConfig(
                java.util.Map.of("schema.registry.url", "http://r1:8081", "proxy.host", host, "proxy.port", 3128))
                .proxy();
        // when / then
        assertThat(proxy.apply("http://proxy.example:8080").getHostString()).isEqualTo("proxy.example");
        assertThat(proxy.apply("http://proxy.example:8080").getPort()).isEqualTo(3128);
        assertThat(proxy.apply(" proxy.example ").getHostString()).isEqualTo("proxy.example");
        assertThat(proxy.apply("  ")).as("a blank host, as an unset variable leaves it: the JVM's settings").isNull();
    }

    @Test
    void shouldRefuseABearerSourceItCannotServeAndABlankToken() {
        // given a bearer source the guard does not serve, though a token is given; and STATIC_TOKEN with a blank token
        RegistryClientConfig oauth = new RegistryClientConfig(java.util.Map.of("schema.registry.url", "http://r1:8081",
                "bearer.auth.credentials.source", "OAUTHBEARER", "bearer.auth.token", "t0ken"));
        RegistryClientConfig blank = new RegistryClientConfig(java.util.Map.of("schema.registry.url", "http://r1:8081",
                "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", "  "));
        // when / then: each is refused, not sent (every request would be refused as unauthenticated)
        org.assertj.core.api.Assertions.assertThatThrownBy(oauth::bearerToken)
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class).hasMessageContaining("OAUTHBEARER")
                .hasMessageContaining("only STATIC_TOKEN");
        org.assertj.core.api.Assertions.assertThatThrownBy(blank::bearerToken)
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessage("bearer.auth.token is not set, or blank: bearer.auth.credentials.source=STATIC_TOKEN "
                        + "needs the token in it");
    }

    @Test
    void shouldRefuseBasicAndBearerSourcesTogetherAndAUserInfoSourceWithoutUserInfoAsConfluentsClientDoes() {
        // given both credential sources, and a USER_INFO source with no user info
        RegistryClientConfig both = new RegistryClientConfig(java.util.Map.of("schema.registry.url", "http://r1:8081",
                "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", "t0ken",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "desk:secret"));
        RegistryClientConfig noUserInfo = new RegistryClientConfig(java.util.Map.of(
                "schema.registry.url", "http://r1:8081", "basic.auth.credentials.source", "USER_INFO"));

        // when / then each is refused as a setting, rather than one source dropped, or requests sent without any
        org.assertj.core.api.Assertions.assertThatThrownBy(both::bearerToken)
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessage("Only one of 'basic.auth.credentials.source' and 'bearer.auth.credentials.source' may be "
                        + "specified");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> noUserInfo.userInfo("http://r1:8081"))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessage("basic.auth.user.info is not set, or empty: it must be given (as user:password) when "
                        + "basic.auth.credentials.source is USER_INFO");
        // and so does the check config --check makes
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpSchemaRegistryClient.checked(java.util.Map.of(
                "schema.registry.url", "http://r1:8081", "basic.auth.credentials.source", "USER_INFO")))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class);
    }

    @Test
    void shouldHideAPasswordHoldingAnUnencodedAtSlashOrComma() {
        assertThat(RegistryClientConfig.shown("https://carol:p@ss,w0rd@r3:8081"))
                .isEqualTo("https://r3:8081");
        assertThat(RegistryClientConfig.shown("https://dave:pa/ss@r4:8081/sr")).isEqualTo("https://r4:8081/sr");
    }

    @Test
    void shouldQuoteAValueHiddenWholeWhenAPasswordCannotBeToldFromItsHost() {
        assertThat(RegistryClientConfig.quoted("http://r0:8081, http://desk:pa ss@r1:8081")).isEqualTo("[hidden]");
        assertThat(RegistryClientConfig.quoted("https://desk:p4://x@r2:8081")).isEqualTo("[hidden]");
        assertThat(RegistryClientConfig.quoted("https://a:b@r1:8081/x, mock://s"))
                .isEqualTo("https://r1:8081/x, mock://s");
    }

    @Test
    void shouldQuoteAValueHiddenWholeWhenASecretParameterCannotBeToldFromWhatFollows() {
        // seen in a review: "not a URL" quoted https://issuer.example/my jwks?sig=SecretC as given, and of
        // ?sig=SecretA SecretB hid only SecretA
        assertThat(RegistryClientConfig.quoted("https://issuer.example/my jwks?sig=SecretC")).isEqualTo("[hidden]");
        assertThat(RegistryClientConfig.quoted("https://issuer.example/jwks?sig=SecretA SecretB"))
                .isEqualTo("[hidden]");
        assertThat(RegistryClientConfig.quoted("http://r0:8081, http://h:1/a b#api_key=SecretE"))
                .isEqualTo("[hidden]");
        assertThat(RegistryClientConfig.quoted("https://issuer.example/jwks?sig=A,B C4")).isEqualTo("[hidden]");
        // a URL that parses keeps its parameters that are not secret, and hides those that are
        assertThat(RegistryClientConfig.quoted("https://issuer.example/jwks?tenant=a&sig=SecretD"))
                .isEqualTo("https://issuer.example/jwks?tenant=a&sig=[hidden]");
        // and one without a query is quoted, however it fails
        assertThat(RegistryClientConfig.quoted("https://issuer.example/my jwks"))
                .isEqualTo("https://issuer.example/my jwks");
    }

    @Test
    void shouldQuoteAValueHiddenWholeWhenAUrlWithAPasswordHasNoScheme() {
        // seen: config --check and its refusal quoted u:SECRETX@127.0.0.1:21410 as given
        assertThat(RegistryClientConfig.quoted("u:SECRETX@127.0.0.1:8081")).isEqualTo("[hidden]");
        assertThat(RegistryClientConfig.quoted("http://r0:8081, desk:s3cret@r1:8081")).isEqualTo("[hidden]");
        assertThat(RegistryClientConfig.quoted("r0:8081")).isEqualTo("r0:8081");
    }

    @Test
    void shouldLeaveAnAtSignAfterTheUrlAlone() {
        // given a message naming a registry, then someone's address
        String message = "schema registry http://registry:8081 answered 500 (ask ops@example.com)";
        // when / then: nothing is hidden, and the registry keeps its name (not "http://example.com)")
        assertThat(RegistryClientConfig.shown(message)).isEqualTo(message);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldReadALongTextOnceNotOncePerCharacter() {
        // given 2 million characters of one word, then a URL with credentials (a pathological message)
        String text = "x".repeat(1_000_000) + "http://" + "y".repeat(1_000_000) + "@host";
        // when / then: hidden, in time linear in the text (a backtracking pattern took 45 s on 40,000 characters)
        assertThat(RegistryClientConfig.shown(text)).isEqualTo("x".repeat(1_000_000) + "http://host");
    }

    @Test
    void shouldEndAUrlWhereTheNextOfAListBeginsSoItsSchemeIsNotTakenForASecret() {
        // given a list, written without spaces, whose first URL ends in a secret query parameter
        String list = "https://idp/k?sig=S3CRET,https://idp2/k?v=1";
        // when / then: the value hidden ends at the comma, and the next URL keeps its scheme
        assertThat(RegistryClientConfig.shown(list)).isEqualTo("https://idp/k?sig=[hidden],https://idp2/k?v=1");
    }

    @Test
    void shouldHideASecretOfAQueryRightAfterTheSchemeAndAPasswordAfterALeadingSeparator() {
        // given a URL whose query comes right after its scheme, and a message opening with a bare separator
        // when / then
        assertThat(RegistryClientConfig.shown("http://?sig=S3CRET")).isEqualTo("http://?sig=[hidden]");
        assertThat(RegistryClientConfig.shown("http://#sig=S3CRET?v=1")).isEqualTo("http://#sig=[hidden]?v=1");
        // and a parameter whose name does not decode could name anything: its value is hidden
        assertThat(RegistryClientConfig.shown("https://idp/k?%zz=S3CRET")).isEqualTo("https://idp/k?%zz=[hidden]");
        assertThat(RegistryClientConfig.shown("://x then http://desk:s3cret@r1:8081"))
                .isEqualTo("://x then http://r1:8081");
    }

    @Test
    void shouldReadTheUrlsOfAListWithoutEmptyEntriesOrTrailingSlashes() {
        // given
        RegistryClientConfig config = new RegistryClientConfig(java.util.Map.of("schema.registry.url",
                "http://r1:8081/, http://r2:8081/sr,"));
        // when / then
        assertThat(config.urls()).containsExactly("http://r1:8081", "http://r2:8081/sr");
        assertThat(config).hasToString("registry [http://r1:8081, http://r2:8081/sr]");
    }

    @Test
    void shouldSendNoTokenWithoutABearerSourceAndNoProxyOnPortZero() {
        // given
        RegistryClientConfig config = new RegistryClientConfig(java.util.Map.of("schema.registry.url",
                "http://desk:pw@r1:8081", "proxy.host", "proxy.example", "proxy.port", 0));
        // when / then
        assertThat(config.bearerToken()).isNull();
        assertThat(config.proxy()).isNull();
        assertThat(config.userInfo("http://desk:pw@r1:8081")).isEqualTo("desk:pw");
        assertThat(config.userInfo("http://r1:8081")).isNull();
        assertThat(RegistryClientConfig.names()).contains("schema.registry.url", "basic.auth.user.info");
    }

    @Test
    void shouldTakeTheUserInfoSettingOverTheUrlWhenItIsTheSource() {
        // given credentials in the URL and in basic.auth.user.info, which is the source
        RegistryClientConfig given = new RegistryClientConfig(java.util.Map.of("schema.registry.url",
                "http://desk:pw@r1:8081", "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "ops:s3cret"));
        // when / then the setting's are sent (without it, the source is refused: see above)
        assertThat(given.userInfo("http://desk:pw@r1:8081")).isEqualTo("ops:s3cret");
    }

    @Test
    void shouldReadConfluentsOlderUserInfoNameFirstAsItsClientDoes() {
        // given the older name alone, and both names with different credentials
        RegistryClientConfig older = new RegistryClientConfig(java.util.Map.of("schema.registry.url",
                "http://r1:8081", "basic.auth.credentials.source", "USER_INFO",
                "schema.registry.basic.auth.user.info", "old:s3cret"));
        RegistryClientConfig both = new RegistryClientConfig(java.util.Map.of("schema.registry.url",
                "http://r1:8081", "basic.auth.credentials.source", "USER_INFO",
                "schema.registry.basic.auth.user.info", "old:s3cret", "basic.auth.user.info", "new:s3cret"));
        RegistryClientConfig emptyOlder = new RegistryClientConfig(java.util.Map.of("schema.registry.url",
                "http://r1:8081", "basic.auth.credentials.source", "USER_INFO",
                "schema.registry.basic.auth.user.info", "", "basic.auth.user.info", "new:s3cret"));

        // when / then the older name is sent when it is given, as Confluent's UserInfoCredentialProvider sends it
        assertThat(older.userInfo("http://r1:8081")).isEqualTo("old:s3cret");
        assertThat(both.userInfo("http://r1:8081")).isEqualTo("old:s3cret");
        assertThat(emptyOlder.userInfo("http://r1:8081")).isEqualTo("new:s3cret");
        assertThat(RegistryClientConfig.names()).contains("schema.registry.basic.auth.user.info");
    }
}
