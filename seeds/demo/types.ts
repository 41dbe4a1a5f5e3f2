export type L = { el: string; en: string };
export interface DemoBenefitCategory {
  slug: string;
  name: L;
}
export interface DemoBenefit {
  slug: string;
  category: string /* a DemoBenefitCategory slug */;
  title: L;
  summary: L;
  eligibility_md: L;
  documents_md: L;
  how_to_apply_md: L;
  deadlines_md: L;
  contact_md: L;
  links: { label: L; url: string }[];
}
export interface DemoHealthService {
  slug: string;
  kind: 'clinic' | 'programme' | 'vaccination' | 'on_duty';
  title: L;
  summary: L;
  body_md: L;
  address: L;
  hours: L;
  phone: string;
  what_to_bring_md: L;
}
