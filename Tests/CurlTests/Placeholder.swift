import Testing

@Test func placeholderCurlTests() {}
