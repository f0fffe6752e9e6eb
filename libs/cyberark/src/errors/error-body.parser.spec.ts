import { parseErrorBody } from './error-body.parser';

describe('parseErrorBody', () => {
  it('reads PVWA bodies with Details as an array', () => {
    const body = parseErrorBody(
      '{"Details":[{"ParameterName":"safeName","ErrorCode":"PASWS031E","ErrorMessage":"Safe [X] was not found"}],"ErrorCode":"PASWS167E","ErrorMessage":"There are some invalid parameters"}',
    );
    expect(body).toEqual({
      code: 'PASWS167E',
      message: 'There are some invalid parameters',
      details: [{ code: 'PASWS031E', message: 'Safe [X] was not found', parameterName: 'safeName' }],
    });
  });

  it('reads Details given as a single object, and ignores empty codes', () => {
    const body = parseErrorBody(
      '{"ErrorCode":"PASWS167E","Details":{"ErrorCode":"","ParameterName":"limit"}}',
    );
    expect(body.details).toEqual([{ code: undefined, message: undefined, parameterName: 'limit' }]);
  });

  it.each([
    [
      'OAuth',
      '{"error":"invalid_client","error_description":"Bad credentials"}',
      'invalid_client',
      'Bad credentials',
    ],
    ['Identity message/code', '{"message":"Throttled","code":429}', '429', 'Throttled'],
    [
      'Identity Message/Description',
      '{"Message":"Not permitted","Description":"more"}',
      undefined,
      'Not permitted',
    ],
    [
      'CCP',
      '{"ErrorCode":"APPAP004E","ErrorMsg":"Password object matching query [Safe=S] was not found"}',
      'APPAP004E',
      'Password object matching query [Safe=S] was not found',
    ],
    ['lower-case keys', '{"errorcode":"PASWS027E","errormessage":"exists"}', 'PASWS027E', 'exists'],
    ['bare JSON string', '"Session expired"', undefined, 'Session expired'],
  ])('reads the %s shape', (_shape, text, code, message) => {
    const body = parseErrorBody(text);
    expect(body.code).toBe(code);
    expect(body.message).toBe(message);
  });

  it('reads an IIS HTML page by its title', () => {
    const body = parseErrorBody(
      '<html><head><title>404 - File or directory not found.</title></head><body><h1>Server Error</h1></body></html>',
    );
    expect(body).toEqual({ message: '404 - File or directory not found.', details: [] });
  });

  it('strips tags from HTML without a title and from plain text', () => {
    expect(parseErrorBody('<h1>Bad</h1><p>Request</p>').message).toBe('Bad Request');
    expect(parseErrorBody('Service Unavailable').message).toBe('Service Unavailable');
  });

  it.each([undefined, '', '   ', 'null', '[1,2]'])('reads %p as nothing', (text) => {
    expect(parseErrorBody(text)).toEqual({ details: [] });
  });
});
