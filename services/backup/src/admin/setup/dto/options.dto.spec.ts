import { RequestValidationError } from '../../http/admin.errors';
import { createAdminValidationPipe } from '../../http/validation.pipe';
import { OptionsDto } from './options.dto';

describe('OptionsDto through the admin validation pipe', () => {
  const pipe = createAdminValidationPipe();
  const validate = (body: unknown): Promise<unknown> =>
    pipe.transform(body, { type: 'body', metatype: OptionsDto });

  async function fieldsRefused(body: unknown): Promise<string[]> {
    const error = await validate(body).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RequestValidationError);
    return (error as RequestValidationError).problems.map((problem) => problem.field);
  }

  it('accepts the options given and leaves the others out', async () => {
    await expect(validate({ retryBudgetSeconds: 3_600 })).resolves.toEqual(
      Object.assign(new OptionsDto(), { retryBudgetSeconds: 3_600 }),
    );
  });

  // schemathesis sent {"retryBudgetSeconds": null}: @IsOptional() let null through to a NOT NULL column (500).
  it.each(['allowPlaintextSecrets', 'metadataOnly', 'retryBudgetSeconds'])(
    'refuses %s: null with a 400 naming the field',
    async (field) => {
      expect(await fieldsRefused({ [field]: null })).toContain(field);
    },
  );

  it('refuses null beside valid options too', async () => {
    expect(new Set(await fieldsRefused({ metadataOnly: false, retryBudgetSeconds: null }))).toEqual(
      new Set(['retryBudgetSeconds']),
    );
  });
});
