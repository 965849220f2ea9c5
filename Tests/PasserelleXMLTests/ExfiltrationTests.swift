import Foundation
import PasserelleModel
import PasserelleXML
import Testing

/// Proves that no hostile document makes the parser read a local file or open a socket.
@Suite struct ExfiltrationTests {
    /// Documents that would pull `target` into the tree if the parser resolved anything.
    static func fileAttacks(target: URL, dtd: URL) -> [(String, DiagnosticCode)] {
        [
            ("""
            <!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "\(target.absoluteString)">]>
            <ClinicalDocument xmlns="urn:hl7-org:v3"><title>&xxe;</title></ClinicalDocument>
            """, .xmlDTDForbidden),
            ("""
            <!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "\(target.path)">]>
            <ClinicalDocument xmlns="urn:hl7-org:v3"><title>&xxe;</title></ClinicalDocument>
            """, .xmlDTDForbidden),
            ("""
            <!DOCTYPE ClinicalDocument [<!ENTITY % dtd SYSTEM "\(dtd.absoluteString)"> %dtd;]>
            <ClinicalDocument xmlns="urn:hl7-org:v3"><title>&marker;</title></ClinicalDocument>
            """, .xmlDTDForbidden),
            ("""
            <!DOCTYPE ClinicalDocument SYSTEM "\(dtd.path)">
            <ClinicalDocument xmlns="urn:hl7-org:v3"><title>&marker;</title></ClinicalDocument>
            """, .xmlDTDForbidden),
            ("""
            <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xi="http://www.w3.org/2001/XInclude">
            <xi:include href="\(target.absoluteString)" parse="text"/></ClinicalDocument>
            """, .xmlXIncludeForbidden),
            ("""
            <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xi="http://www.w3.org/2003/XInclude">
            <title><xi:include href="\(target.path)" parse="text"/></title></ClinicalDocument>
            """, .xmlXIncludeForbidden),
        ]
    }

    @Test func noLocalFileIsRead() throws {
        let directory = try TemporaryDirectory()
        let marker = "PASSERELLE-MARKER-\(UUID().uuidString)"
        let target = try directory.write(marker, to: "secret.txt")
        let dtd = try directory.write("<!ENTITY marker \"\(marker)\">", to: "evil.dtd")
        for (document, code) in Self.fileAttacks(target: target, dtd: dtd) {
            let (result, elapsed) = XMLTestSupport.timedParse(Data(document.utf8))
            #expect(result.tree == nil)
            #expect(XMLTestSupport.firstError(result)?.code == code)
            #expect(XMLTestSupport.firstError(result)?.location != nil)
            #expect(!XMLTestSupport.visibleText(result).contains(marker), "marker leaked: \(document)")
            #expect(elapsed < XMLTestSupport.timeBound)
        }
    }

    /// The detector itself works: a marker written in the document is visible.
    @Test func markerDetectionSeesInlineText() {
        let marker = "PASSERELLE-MARKER-\(UUID().uuidString)"
        let result = SafeXMLParser().parse(Data("<a><b>\(marker)</b></a>".utf8))
        #expect(XMLTestSupport.visibleText(result).contains(marker))
    }

    static func networkAttacks(_ listener: LoopbackListener) -> [(String, DiagnosticCode)] {
        [
            ("""
            <!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "\(listener.url("xxe"))">]>
            <ClinicalDocument xmlns="urn:hl7-org:v3"><title>&xxe;</title></ClinicalDocument>
            """, .xmlDTDForbidden),
            ("""
            <!DOCTYPE ClinicalDocument [<!ENTITY % remote SYSTEM "\(listener.url("evil.dtd"))"> %remote;]>
            <ClinicalDocument xmlns="urn:hl7-org:v3"/>
            """, .xmlDTDForbidden),
            ("""
            <!DOCTYPE ClinicalDocument PUBLIC "-//Evil//DTD//EN" "\(listener.url("cda.dtd"))">
            <ClinicalDocument xmlns="urn:hl7-org:v3"/>
            """, .xmlDTDForbidden),
            ("""
            <!DOCTYPE ClinicalDocument SYSTEM "\(listener.url("cda.dtd"))">
            <ClinicalDocument xmlns="urn:hl7-org:v3"/>
            """, .xmlDTDForbidden),
            ("""
            <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xi="http://www.w3.org/2001/XInclude">
            <xi:include href="\(listener.url("part.xml"))"/></ClinicalDocument>
            """, .xmlXIncludeForbidden),
        ]
    }

    @Test func noSocketIsOpened() throws {
        let listener = try LoopbackListener()
        for (document, code) in Self.networkAttacks(listener) {
            let (result, elapsed) = XMLTestSupport.timedParse(Data(document.utf8))
            #expect(result.tree == nil)
            #expect(XMLTestSupport.firstError(result)?.code == code)
            #expect(elapsed < XMLTestSupport.timeBound)
        }
        // A schemaLocation hint is only an attribute: it parses and is never fetched.
        let hinted = SafeXMLParser().parse(Data("""
            <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
              xsi:schemaLocation="urn:hl7-org:v3 \(listener.url("CDA.xsd"))"/>
            """.utf8))
        #expect(hinted.tree != nil)
        #expect(listener.drainConnections() == 0)
    }

    /// The detector itself works: a real connection to the listener is counted.
    @Test func listenerCountsConnections() throws {
        let listener = try LoopbackListener()
        #expect(LoopbackListener.openConnection(toPort: listener.port))
        #expect(listener.drainConnections() == 1)
        #expect(listener.drainConnections() == 0)
    }
}
