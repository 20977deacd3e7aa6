// Which server a person or the firmware names: the parser the CLI, the server (URLs in C) and the
// editor (selections, the input box) share, so all agree on default ports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatServerAddress, parseServerAddress } from '../../server/src/net/address';
import { looksLikeServer, parseServer, serverTextProblem } from '../../client/src/serverText';

describe('server addresses', () => {
  it('reads hosts, ports, IPv6 and TLS URLs with ESP-IDF default ports', () => {
    assert.deepEqual(parseServerAddress('example.com'), { host: 'example.com', port: 443 });
    assert.deepEqual(parseServerAddress('broker.example.com:8883'), { host: 'broker.example.com', port: 8883 });
    assert.deepEqual(parseServerAddress('mqtts://user:pw@broker.hivemq.com'), { host: 'broker.hivemq.com', port: 8883 });
    assert.deepEqual(parseServerAddress('wss://echo.example.org/ws?x=1'), { host: 'echo.example.org', port: 443 });
    assert.deepEqual(parseServerAddress('https://192.168.2.106:8070/hello_world.bin'), { host: '192.168.2.106', port: 8070 });
    assert.deepEqual(parseServerAddress('[::1]:8443'), { host: '::1', port: 8443 });
    assert.deepEqual(parseServerAddress('2001:db8::1'), { host: '2001:db8::1', port: 443 });
    assert.deepEqual(parseServerAddress('example.com.'), { host: 'example.com', port: 443 });
  });

  it('refuses plain-text schemes, bad ports and what is not a host', () => {
    for (const bad of ['http://example.com', 'mqtt://broker', 'example.com:0', 'example.com:70000', 'exa mple.com', '', 'https://', 'host:port']) {
      assert.equal(parseServerAddress(bad), undefined, bad);
    }
  });

  it('formats IPv6 in brackets', () => {
    assert.equal(formatServerAddress({ host: '::1', port: 443 }), '[::1]:443');
    assert.equal(formatServerAddress({ host: 'example.com', port: 8883 }), 'example.com:8883');
  });

  it('gives the input box a reason for what it refuses', () => {
    assert.match(serverTextProblem('http://example.com') ?? '', /not a TLS scheme/);
    assert.match(serverTextProblem('example.com:99999') ?? '', /1 to 65535/);
    assert.match(serverTextProblem('') ?? '', /Type a host name/);
    assert.equal(serverTextProblem('"api.example.com"'), undefined, 'C quotes around a selection are fine');
    assert.deepEqual(parseServer('"api.example.com"'), { host: 'api.example.com', port: 443 });
    assert.equal(looksLikeServer('cfg'), false, 'an identifier is not a host');
    assert.equal(looksLikeServer('api.example.com'), true);
  });
});
