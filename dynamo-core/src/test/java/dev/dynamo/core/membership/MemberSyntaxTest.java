package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemberSyntaxTest {

    @Test
    void gossipIdsAreWhatNodeIdAccepts() {
        assertTrue(MemberSyntax.isGossipId("n1"));
        assertTrue(MemberSyntax.isGossipId("node_a-7"));
        assertTrue(MemberSyntax.isGossipId("n".repeat(64)));
        assertFalse(MemberSyntax.isGossipId("n".repeat(65)));
        assertFalse(MemberSyntax.isGossipId(""));
        assertFalse(MemberSyntax.isGossipId("n.1"));
        assertFalse(MemberSyntax.isGossipId("n 1"));
        assertFalse(MemberSyntax.isGossipId("n\u00e91"));
        assertFalse(MemberSyntax.isGossipId(null));
    }

    @Test
    void gossipAddressesAreBoundedHostPort() {
        assertTrue(MemberSyntax.isGossipAddress("10.0.0.1:7081"));
        assertTrue(MemberSyntax.isGossipAddress("[::1]:7081"));
        assertTrue(MemberSyntax.isGossipAddress("local:n1"));
        assertTrue(MemberSyntax.isGossipAddress(""), "empty: not known");
        assertTrue(MemberSyntax.isGossipAddress("h".repeat(250) + ":7081"));
        assertFalse(MemberSyntax.isGossipAddress("h".repeat(251) + ":7081"));
        assertFalse(MemberSyntax.isGossipAddress("10.0.0.1"));
        assertFalse(MemberSyntax.isGossipAddress(":7081"));
        assertFalse(MemberSyntax.isGossipAddress("10.0.0.1:"));
        assertFalse(MemberSyntax.isGossipAddress("evil host:7081"));
        assertFalse(MemberSyntax.isGossipAddress("h\u00f6st:7081"));
        assertFalse(MemberSyntax.isGossipAddress("h\u0000:1"));
    }

    @Test
    void descriptionsAreShortPrintableText() {
        assertTrue(MemberSyntax.isGossipDescription("remove " + "n".repeat(64)));
        assertTrue(MemberSyntax.isGossipDescription("x".repeat(128)));
        assertFalse(MemberSyntax.isGossipDescription("x".repeat(129)));
        assertFalse(MemberSyntax.isGossipDescription("join n1\n"));
    }
}
