import { type INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildAdminApiDocument } from '../admin.module';

/**
 * Optional Swagger UI at `/api/docs`, reading `/api/openapi.json` (served by OpenApiController).
 * Needs the application object, so the bootstrap calls it: `await setupOpenApiUi(app)`.
 */
export async function setupOpenApiUi(app: INestApplication): Promise<void> {
  SwaggerModule.setup('api/docs', app, await buildAdminApiDocument(), {
    raw: false,
    swaggerOptions: { url: '/api/openapi.json' },
    customSiteTitle: 'vault-backup admin API',
  });
}
