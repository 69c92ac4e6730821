// Kept only for modules that still import from here (meetings, actions); they move to contracts/.
export { sealedField } from '../../../contracts/common.js';
export { recordExportSchema, type RecordExportInput as RecordExportDto } from '../../../contracts/families.js';
