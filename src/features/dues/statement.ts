import type { Request, Response } from 'express';
import type { Deps } from '../../deps.ts';
import { formatDateTime } from '../../lib/format.ts';
import { letterheadOf, renderDocumentPdf, type PdfBlock } from '../../lib/pdf.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import type { DebtStatus } from './debt-status.ts';
import { duesFormat } from './dues.present.ts';
import type { ArrangementRow, DebtRow, DebtTotals, FineRow } from './dues.repository.ts';

export interface StatementData {
  user: Pick<UserRow, 'full_name'>;
  afm: string;
  today: string;
  /** The debts not yet paid in full and not in an arrangement. */
  debts: DebtRow[];
  /** The unpaid traffic fines of the AFM. */
  fines: FineRow[];
  totals: DebtTotals;
  arrangements: ArrangementRow[];
  status: DebtStatus;
}

/** The statement's blocks: who, the open debts with their sums, the arrangements' open instalments. */
function statementBlocks(req: Request, data: StatementData, issuedAt: Date): PdfBlock[] {
  const t = req.t;
  const f = duesFormat(req.lang);
  const blocks: PdfBlock[] = [
    { kind: 'heading', text: t('dues.statement.title') },
    {
      kind: 'facts',
      rows: [
        [t('dues.statement.name'), data.user.full_name],
        [t('dues.statement.afm'), data.afm],
        [t('dues.statement.issuedAt'), formatDateTime(issuedAt, req.lang)],
      ],
    },
    {
      kind: 'paragraph',
      bold: true,
      text: data.status.clear
        ? t('dues.status.clear')
        : t('dues.statement.overdue', { amount: f.money(data.status.overdueCents) }),
    },
    {
      kind: 'paragraph',
      text: t('dues.statement.outstanding', { amount: f.money(data.status.outstandingCents) }),
    },
    { kind: 'heading', level: 2, text: t('dues.debts.heading') },
  ];
  if (!data.debts.length) blocks.push({ kind: 'paragraph', text: t('dues.debts.none') });
  else
    blocks.push({
      kind: 'table',
      columns: [
        { header: t('dues.debts.type'), width: 2.4 },
        { header: t('dues.debts.period'), width: 0.9 },
        { header: t('dues.debts.property'), width: 2 },
        { header: t('dues.debts.dueDate'), width: 1.3 },
        { header: t('dues.debts.amount'), width: 1.1, align: 'right' },
        { header: t('dues.debts.paid'), width: 1.1, align: 'right' },
        { header: t('dues.debts.remaining'), width: 1.1, align: 'right' },
        { header: t('dues.debts.status'), width: 1.3 },
        { header: t('dues.debts.rf'), width: 2.9 },
      ],
      rows: data.debts.map((debt) => [
        f.typeName(debt),
        debt.period,
        debt.property ?? '',
        f.date(debt.due_date),
        f.money(debt.amount_cents),
        f.money(debt.paid_cents),
        f.money(debt.remaining_cents),
        t(`dues.status.${debt.status}`),
        f.rf(debt.rf),
      ]),
      footer: [
        t('dues.debts.total'),
        '',
        '',
        '',
        f.money(data.totals.amount_cents),
        f.money(data.totals.paid_cents),
        f.money(data.totals.remaining_cents),
        '',
        '',
      ],
    });
  if (data.fines.length)
    blocks.push(
      { kind: 'heading', level: 2, text: t('dues.fines.heading') },
      {
        kind: 'table',
        columns: [
          { header: t('dues.fines.notice'), width: 2 },
          { header: t('dues.fines.date'), width: 1.6 },
          { header: t('dues.debts.dueDate'), width: 1.6 },
          { header: t('dues.debts.remaining'), width: 1.2, align: 'right' },
          { header: t('dues.debts.rf'), width: 3 },
        ],
        rows: data.fines.map((fine) => [
          fine.notice_number,
          f.date(fine.offence_date),
          f.date(fine.due_date),
          f.money(fine.remaining_cents),
          f.rf(fine.rf),
        ]),
      },
    );
  for (const arrangement of data.arrangements) {
    const open = arrangement.instalments.filter((instalment) => instalment.status !== 'paid');
    if (!open.length) continue;
    blocks.push(
      {
        kind: 'heading',
        level: 2,
        text: t('dues.arrangements.title', { date: f.date(arrangement.decided_on) }),
      },
      {
        kind: 'table',
        columns: [
          { header: t('dues.arrangements.number'), width: 0.8 },
          { header: t('dues.debts.dueDate'), width: 1.6 },
          { header: t('dues.debts.amount'), width: 1.2, align: 'right' },
          { header: t('dues.debts.paid'), width: 1.2, align: 'right' },
          { header: t('dues.debts.remaining'), width: 1.2, align: 'right' },
          { header: t('dues.debts.status'), width: 1.4 },
          { header: t('dues.debts.rf'), width: 3 },
        ],
        rows: open.map((instalment) => [
          String(instalment.number),
          f.date(instalment.due_date),
          f.money(instalment.amount_cents),
          f.money(instalment.paid_cents),
          f.money(instalment.remaining_cents),
          t(`dues.status.${instalment.status}`),
          f.rf(instalment.rf),
        ]),
      },
    );
  }
  blocks.push(
    { kind: 'heading', level: 2, text: t('dues.pay.heading') },
    { kind: 'paragraph', text: t('dues.pay.how') },
    { kind: 'paragraph', text: t('dues.statement.notCertificate') },
  );
  return blocks;
}

/** The statement as a download: private, never stored by a browser or proxy. */
export async function sendStatement(
  deps: Pick<Deps, 'config' | 'clock'>,
  req: Request,
  res: Response,
  data: StatementData,
): Promise<void> {
  const issuedAt = deps.clock.now();
  const letterhead = letterheadOf(deps.config, req.lang, req.t('dues.statement.country'));
  const pdf = await renderDocumentPdf({
    lang: req.lang,
    title: req.t('dues.statement.title'),
    subject: req.t('dues.statement.subject', { afm: data.afm }),
    author: letterhead.name,
    letterhead,
    layout: 'landscape',
    pageLabel: (page, pages) => req.t('dues.statement.page', { page, pages }),
    blocks: statementBlocks(req, data, issuedAt),
  });
  res.attachment(`${req.t('dues.statement.fileName')}-${data.today}.pdf`);
  res.set({
    'Content-Type': 'application/pdf',
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.send(pdf);
}
