import Curl
import Foundation
import Testing

@Suite("Retry-After parsing")
struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT

    @Test func delaySeconds() {
        #expect(RetryAfterParser.parse("120", now: now) == .seconds(120))
        #expect(RetryAfterParser.parse(" 0 ", now: now) == .seconds(0))
    }

    @Test func imfFixdateInTheFuture() {
        #expect(RetryAfterParser.parse("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
    }

    @Test func obsoleteDateForms() {
        #expect(RetryAfterParser.parse("Wednesday, 21-Oct-15 07:29:00 GMT", now: now) == .seconds(60))
        #expect(RetryAfterParser.parse("Wed Oct 21 07:28:10 2015", now: now) == .seconds(10))
    }

    @Test func pastDateMeansNoWait() {
        #expect(RetryAfterParser.parse("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == .zero)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "Wed, 99 Foo 2015"])
    func unreadableValuesGiveNil(value: String) {
        #expect(RetryAfterParser.parse(value, now: now) == nil)
    }

    @Test func responseReadsTheLastRetryAfterHeader() {
        let response = HTTPResponse(
            status: 503, headers: [HTTPHeader(name: "Retry-After", value: "1"), HTTPHeader(name: "retry-after", value: "9")],
            body: Data())
        #expect(response.retryAfter == .seconds(9))
        #expect(response.header("RETRY-AFTER") == "9")
    }
}
