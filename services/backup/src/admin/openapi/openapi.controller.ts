import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';

/** Builds the admin API document (provided by AdminModule, which owns the list of controllers). */
export const OPENAPI_DOCUMENT_FACTORY = Symbol('OPENAPI_DOCUMENT_FACTORY');
export type OpenApiDocumentFactory = () => Promise<OpenAPIObject>;

/** `GET /api/openapi.json`: the same document as the committed services/backup/openapi.json. Public, like any API contract. */
@ApiExcludeController()
@Controller('api')
export class OpenApiController {
  private document: Promise<OpenAPIObject> | undefined;

  constructor(@Inject(OPENAPI_DOCUMENT_FACTORY) private readonly build: OpenApiDocumentFactory) {}

  @Get('openapi.json')
  @Header('Cache-Control', 'public, max-age=300')
  openApi(): Promise<OpenAPIObject> {
    this.document ??= this.build().catch((error: unknown) => {
      this.document = undefined;
      throw error;
    });
    return this.document;
  }
}
