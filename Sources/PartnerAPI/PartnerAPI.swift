// Module PartnerAPI
