// Get-Printer-Attributes (RFC 8011 §4.2.5).
import { group } from '../../ipp/index.js';
import { printerAttributes, selectPrinterAttributes } from '../printer-attributes.js';
import type { OperationHandler } from './context.js';

/** Handles Get-Printer-Attributes. */
export const getPrinterAttributes: OperationHandler = async (req, printer) => {
  const requested = req.op.keywords('requested-attributes');
  const all = printerAttributes(printer.facts(req.printerUri));
  return { status: 'successful-ok', groups: [group('printer', selectPrinterAttributes(all, requested))] };
};
