import Testing

@Test func placeholderPartnerAPITests() {}
